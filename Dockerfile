# One image for every process of the project: the worker (default), the mail gateway, the codec server and the
# one-shot setup; docker-compose.yml chooses the command. Runs as an unprivileged user.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY . .
RUN pip install '.[postgres]' \
 && useradd --system --uid 10001 --home-dir /var/lib/fasthold --create-home fasthold \
 && chown fasthold /var/lib/fasthold
USER fasthold
ENV FASTHOLD_DATA_DIR=/var/lib/fasthold
CMD ["python", "worker.py"]
