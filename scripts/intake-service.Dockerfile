# The intake service (`cnscd intake-serve --github`) as a container. Build from the repository root:
#   docker build -f scripts/intake-service.Dockerfile -t cnscd-intake .
# Run (README «Dịch vụ nhận biểu mẫu / Intake service»):
#   docker run -p 8787:8787 -v cnscd-journal:/var/lib/cnscd -v cnscd-repo:/srv/repo \
#     -e CNSCD_GITHUB_TOKEN=… -e CNSCD_REPOSITORY=owner/repo -e CNSCD_CLONE_URL=https://github.com/owner/repo.git cnscd-intake
FROM python:3.12-slim

# git: the service checks submissions against a checkout of the data and keeps it current (git pull).
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt pyproject.toml ./
COPY scripts ./scripts
# requirements.txt pins every package (name==version); the project itself adds none.
RUN pip install --no-cache-dir --disable-pip-version-check -r requirements.txt \
    && pip install --no-cache-dir --disable-pip-version-check --no-deps --no-build-isolation . \
    && rm -rf /app/scripts

RUN useradd --system --uid 10001 --create-home --home-dir /home/cnscd cnscd \
    && mkdir -p /var/lib/cnscd /srv/repo \
    && chown cnscd:cnscd /var/lib/cnscd /srv/repo
USER cnscd

# /var/lib/cnscd: the journal (submissions with personal data, access-code hashes) — back it up, never publish it.
# /srv/repo: the clone of the data repository the checks read (cloned on first start, pulled every 5 minutes).
VOLUME ["/var/lib/cnscd", "/srv/repo"]
WORKDIR /srv/repo
ENV PYTHONUNBUFFERED=1 PYTHONUTF8=1
EXPOSE 8787

# CNSCD_GITHUB_TOKEN (required), CNSCD_REPOSITORY=owner/repo, CNSCD_CLONE_URL (public https URL of the same
# repository), CNSCD_PROXY_IPS (the reverse proxy's address, so rate limits see the real client).
CMD ["sh", "-c", "test -d .git || git clone --quiet \"$CNSCD_CLONE_URL\" . && exec cnscd intake-serve --github \"$CNSCD_REPOSITORY\" --data data --host 0.0.0.0 --port 8787 --journal /var/lib/cnscd/intake.sqlite3 --forwarded-allow-ips \"${CNSCD_PROXY_IPS:-127.0.0.1}\""]
