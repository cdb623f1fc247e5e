package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "academy_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "academy_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.duration)
	}
	return m
}

// observe counts one request. Label values are kept by the registry for the
// life of the process, so they must not be strings Fiber hands out (those
// point into request memory fasthttp reuses: a GET label later read "GETT"
// once the next request on the connection was a PATCH): method is one of the
// constants of methodLabel and route a registered path or "unmatched".
func (m *httpMetrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

// unmatchedRoute labels requests no route took (404s, refusals by a
// middleware before routing): one series for them all, whatever the path.
const unmatchedRoute = "unmatched"

// methodLabel maps a request method to a constant string, so the label
// neither aliases request memory nor grows with made-up methods.
func methodLabel(m string) string {
	for _, known := range []string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut,
		fiber.MethodPatch, fiber.MethodDelete, fiber.MethodOptions} {
		if m == known {
			return known
		}
	}
	return "OTHER"
}

// MetricsHandler serves the Prometheus registry. It is not routed on the
// public app: cmd serves it on ACADEMY_METRICS_ADDR when that is set.
func (p *Platform) MetricsHandler() http.Handler {
	if p.opts.Registry == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(p.opts.Registry, promhttp.HandlerOpts{})
}
