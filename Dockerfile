# syntax=docker/dockerfile:1
# The chatrooms WAR on the official Tomcat 10.1 image (JRE 17), as ROOT, run by a non-root user.
#   docker build -t chatrooms .
#   docker run -p 8000:8080 -e CHAT_REDIS_URL=redis://redis:6379 -e CHAT_ALLOWED_HOSTS=localhost chatrooms
#   # http://localhost:8000/chat/
# Configuration: the CHAT_* environment variables of the README (docker run -e, compose `environment:`), read once
# at start-up. compose.yaml runs two of these behind nginx with Redis; docs/operations.md is the runbook.
# src/test/java/org/chatrooms/servers/ImageServerIT.java performs this file's steps on the Tomcat distribution of
# the same line (it reads the values below: Tomcat line, paths, user, port, health command), so keep them plain.

# --- Build: the project's Maven Wrapper (the Maven the README names) on a JDK 17.
FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /build
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY src src
COPY webapp webapp
# The cache mount keeps ~/.m2 between builds (BuildKit). The wrapper downloads Maven itself on the first one (with
# the image's wget; it takes the .tar.gz, as there is no unzip). Tests are not compiled: CI ran them.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -Dmaven.test.skip=true package

# --- Run: Tomcat 10.1 on Eclipse Temurin 17 JRE (Ubuntu 24.04).
FROM tomcat:10.1-jre17
# As the base image sets it; stated here so that the steps below (and ImageServerIT) can name it.
ENV CATALINA_HOME=/usr/local/tomcat

# A system user with fixed numeric ids, so that `USER` below is numeric (Kubernetes' runAsNonRoot can only verify a
# numeric user) and volumes can be prepared for it. It owns nothing: the base image leaves logs/, temp/ and work/
# world-writable (mode 1777) for exactly this, and everything else stays root's and read-only to Tomcat.
RUN groupadd --system --gid 10001 chat \
    && useradd --system --uid 10001 --gid chat --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin chat

COPY deploy/tomcat/server.xml deploy/tomcat/context.xml deploy/tomcat/logging.properties $CATALINA_HOME/conf/
COPY --from=build /build/target/chatrooms-*.war $CATALINA_HOME/webapps/ROOT.war
# The connector's executor (org.chatrooms.tomcat.InlineCompletionExecutor, which server.xml names): server code,
# built beside the WAR as its own jar, so into Tomcat's lib/ (the common class loader, which reads server.xml's
# classes), never into the WAR. Without it Tomcat cannot create the executor and does not start.
COPY --from=build /build/target/chatrooms-*-tomcat.jar $CATALINA_HOME/lib/

# The JVM sizes its heap from the container's memory limit (70 %: the rest is metaspace, thread stacks, socket
# buffers in the kernel and the health check); an OutOfMemoryError ends the process, so the restart policy starts
# a clean one instead of a node limping on. Add -Xss, GC or JMX flags here; never secrets: Tomcat logs its JVM
# arguments at start-up (CHAT_REDIS_URL, which may hold a password, goes in the environment). DEFAULT_BUFFER_SIZE:
# Tomcat's WebSocket frame input, output and encoder buffers of every socket, 8 KiB each by default; 2 KiB holds a
# usual chat frame, longer ones go in parts (docs/operations.md, Sizing).
ENV CATALINA_OPTS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=2048"

USER 10001:10001
EXPOSE 8080

# Readiness: GET /readyz must answer 200 ("ready"; 503 while the Redis relay cannot carry messages). The probe is
# bash's /dev/tcp: bash is really in this image (the official Tomcat image rewrites catalina.sh and the other
# scripts to `#!/usr/bin/env bash`, so they need it). Not curl or wget: eclipse-temurin installs both today, but
# only "for historical reasons" (adoptium/containers#255), so they may go. Not a Java program either: a second
# JVM every 10 s (about 60 MB resident and 0.4 s for a JVM that only creates an HTTP client, measured on JDK 17)
# comes out of memory sized for Tomcat; this probe takes about 3 MB. Host: localhost is in the default
# CHAT_ALLOWED_HOSTS; keep it there if you set your own list.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r -t 2 version status rest <&3 && [ \"$status\" = 200 ]"]

# The base image's command, `catalina.sh run`, execs the JVM as PID 1: docker stop's SIGTERM reaches Tomcat, which
# stops the application (open sockets get 1001) and exits. Give it time: `docker stop -t 30`, or compose's
# stop_grace_period.
