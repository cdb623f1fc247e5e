# Builds the academy binary into a small image for docker compose.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /academy ./cmd/academy

FROM gcr.io/distroless/static-debian12
COPY --from=build /academy /academy
ENV ACADEMY_HTTP_ADDR=0.0.0.0:8080 ACADEMY_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/academy"]
