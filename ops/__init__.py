"""The processes that run beside the engine, and the production topology that names them all: the one-shot
set-up before the long-running processes (`python -m ops.setup`), the codec server for Temporal UI
(`python -m ops.codec_server`), and ops/topology.py, which docker-compose.yml and the topology test follow.

Entry points: they may import every layer below them, including the service layer.
"""
