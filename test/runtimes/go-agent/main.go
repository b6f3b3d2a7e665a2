// Command go-agent is the Go agent runtime of agent-slo's span-path tests: it replays a workload of GenAI spans
// (explicit start/end timestamps, attributes, status, parent links, optional W3C tracestate) with the OpenTelemetry
// Go SDK and exports them over OTLP/HTTP, as any Go agent traced by OpenTelemetry would. It records no metrics: the
// collector derives them from the spans.
//
//	go-agent WORKLOAD.json
//
// The workload format is written by test/integration/span-workload.ts (timestamps as decimal strings: ns since
// the epoch do not fit a JSON number exactly).
package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

type spanSpec struct {
	ID         string                     `json:"id"`
	Parent     string                     `json:"parent,omitempty"`
	Name       string                     `json:"name"`
	StartNs    int64                      `json:"startNs,string"`
	EndNs      int64                      `json:"endNs,string"`
	Attributes map[string]json.RawMessage `json:"attributes"`
	Error      bool                       `json:"error,omitempty"`
	Scope      string                     `json:"scope,omitempty"`
}

type workload struct {
	// Endpoint is the collector's OTLP/HTTP base URL, e.g. http://127.0.0.1:4318.
	Endpoint string            `json:"endpoint"`
	Resource map[string]string `json:"resource"`
	// RemoteParent, when set, is the W3C tracestate of a remote sampled parent for every root span
	// (e.g. "ot=th:8" for 50 % consistent probability sampling): the spans carry it and their adjusted count.
	RemoteParentTraceState string     `json:"remoteParentTraceState,omitempty"`
	Spans                  []spanSpec `json:"spans"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go-agent WORKLOAD.json")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "go-agent:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var w workload
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ctx := context.Background()
	exporter, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(strings.TrimSuffix(w.Endpoint, "/")+"/v1/traces"))
	if err != nil {
		return err
	}
	attrs := make([]attribute.KeyValue, 0, len(w.Resource))
	for k, v := range w.Resource {
		attrs = append(attrs, attribute.String(k, v))
	}
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithResource(resource.NewSchemaless(attrs...)),
		sdktrace.WithBatcher(exporter, sdktrace.WithMaxExportBatchSize(512), sdktrace.WithMaxQueueSize(1<<20), sdktrace.WithBatchTimeout(200*time.Millisecond)),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.AlwaysSample())),
	)
	root := ctx
	if w.RemoteParentTraceState != "" {
		ts, err := trace.ParseTraceState(w.RemoteParentTraceState)
		if err != nil {
			return fmt.Errorf("remoteParentTraceState: %w", err)
		}
		tid, _ := hex.DecodeString("0af7651916cd43dd8448eb211c80319c")
		sid, _ := hex.DecodeString("b7ad6b7169203331")
		var traceID trace.TraceID
		var spanID trace.SpanID
		copy(traceID[:], tid)
		copy(spanID[:], sid)
		root = trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: traceID, SpanID: spanID, TraceFlags: trace.FlagsSampled, TraceState: ts, Remote: true,
		}))
	}
	contexts := map[string]context.Context{}
	spans := make([]trace.Span, 0, len(w.Spans))
	for i, s := range w.Spans {
		parent := root
		if s.Parent != "" {
			p, ok := contexts[s.Parent]
			if !ok {
				return fmt.Errorf("span %d (%s): parent %q not defined before it", i, s.ID, s.Parent)
			}
			parent = p
		}
		kvs, err := attributes(s.Attributes)
		if err != nil {
			return fmt.Errorf("span %d (%s): %w", i, s.ID, err)
		}
		scope := s.Scope
		if scope == "" {
			scope = "agent-slo-test/go-agent"
		}
		c, span := provider.Tracer(scope).Start(parent, s.Name, trace.WithTimestamp(time.Unix(0, s.StartNs)), trace.WithAttributes(kvs...))
		if s.Error {
			span.SetStatus(codes.Error, "failed")
		}
		contexts[s.ID] = c
		spans = append(spans, span)
	}
	for i, s := range w.Spans {
		spans[i].End(trace.WithTimestamp(time.Unix(0, s.EndNs)))
	}
	if err := provider.ForceFlush(ctx); err != nil {
		return err
	}
	fmt.Printf("go-agent: exported %d spans\n", len(w.Spans))
	return provider.Shutdown(ctx)
}

// attributes turns JSON values into typed attributes: integers stay Int64 (token counts), other numbers Float64.
func attributes(in map[string]json.RawMessage) ([]attribute.KeyValue, error) {
	out := make([]attribute.KeyValue, 0, len(in))
	for k, raw := range in {
		var v any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return nil, fmt.Errorf("attribute %s: %w", k, err)
		}
		switch x := v.(type) {
		case string:
			out = append(out, attribute.String(k, x))
		case bool:
			out = append(out, attribute.Bool(k, x))
		case json.Number:
			if n, err := x.Int64(); err == nil {
				out = append(out, attribute.Int64(k, n))
			} else if f, err := x.Float64(); err == nil {
				out = append(out, attribute.Float64(k, f))
			} else {
				return nil, fmt.Errorf("attribute %s: %w", k, err)
			}
		default:
			return nil, fmt.Errorf("attribute %s: unsupported value %v", k, v)
		}
	}
	return out, nil
}
