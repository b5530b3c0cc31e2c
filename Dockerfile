# One image for every process of the project: the worker (default), the mail gateway, the codec server, the web
# workbench and the one-shot setup; docker-compose.yml chooses the command. Runs as an unprivileged user.
# Only what production runs: the dependencies pinned with their hashes in requirements.lock (scripts/lock.sh),
# then the project itself without resolving anything again. No Temporal CLI or dev server, no test server, no
# plotting (those are the dev, simulation and test extras).
FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY . .
RUN pip install --no-deps . \
 && useradd --system --uid 10001 --home-dir /var/lib/fasthold --create-home fasthold \
 && chown fasthold /var/lib/fasthold
USER fasthold
ENV FASTHOLD_DATA_DIR=/var/lib/fasthold
CMD ["python", "worker.py"]
