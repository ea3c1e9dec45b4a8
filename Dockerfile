# syntax=docker/dockerfile:1
# One image recipe for every service and the provider simulator:
#   docker build --build-arg PROJECT=services/Scheduling/Comms.Scheduling.csproj --build-arg ASSEMBLY=Comms.Scheduling .
# docker-compose.yml builds each service with its own PROJECT and ASSEMBLY.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT
ARG ASSEMBLY
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
WORKDIR /src
COPY . .
RUN test -n "$PROJECT" && test -n "$ASSEMBLY" || { echo "build args PROJECT and ASSEMBLY are required" >&2; exit 1; }
# The package cache survives between builds of the images (BuildKit cache mount).
RUN --mount=type=cache,id=comms-nuget,target=/root/.nuget/packages \
    dotnet publish "$PROJECT" -c Release -o /app -p:UseAppHost=false \
 && test -f "/app/$ASSEMBLY.dll"

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl is for the compose healthchecks (the base image has none).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
ARG ASSEMBLY
ENV APP_ASSEMBLY=$ASSEMBLY \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    MASSTRANSIT_USAGE_TELEMETRY=false
WORKDIR /app
COPY --from=build /app .
# The base image's unprivileged "app" user.
USER $APP_UID
EXPOSE 8080
# Bind the container port whatever "Urls" an appsettings file names (the command line wins over it);
# ASPNETCORE_HTTP_PORTS is cleared so ASP.NET Core does not warn that it is overridden.
ENTRYPOINT ["/bin/sh", "-c", "port=\"${ASPNETCORE_HTTP_PORTS:-8080}\"; unset ASPNETCORE_HTTP_PORTS; exec dotnet \"/app/${APP_ASSEMBLY}.dll\" --urls \"http://+:${port}\" \"$@\"", "--"]
