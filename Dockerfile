# The WAR on a standalone Tomcat 10.1, as an operator would deploy it.
#   docker build -t chatrooms .
#   docker run -p 8000:8080 -e CHAT_REDIS_URL=redis://redis:6379 -e CHAT_ALLOWED_HOSTS=localhost,chat.example.com chatrooms
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src src
COPY webapp webapp
RUN mvn -B -q -DskipTests package

FROM tomcat:10.1-jre17
RUN rm -rf /usr/local/tomcat/webapps/*
COPY --from=build /src/target/chatrooms-*.war /usr/local/tomcat/webapps/ROOT.war
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
