package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.URL.Path == "/bad" {
			http.Error(w, "no", http.StatusTeapot)
			return
		}
		if r.Header.Get("X-Test") != "yes" {
			http.Error(w, "header missing", http.StatusBadRequest)
			return
		}
		w.Write([]byte("hello"))
	}))
	defer srv.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"-c", "3", "-d", "300ms", "-warmup", "50ms", "-H", "X-Test: yes",
		"-pid", itoa(os.Getpid()), srv.URL + "/a", srv.URL + "/b"}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), " 0 errors") || !strings.Contains(out.String(), "peak RSS of process") {
		t.Errorf("report = %q", out.String())
	}
	r, err := load(context.Background(), loadOptions{URLs: []string{srv.URL + "/bad"}, Clients: 2, Duration: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests == 0 || r.Errors != r.Requests || !strings.Contains(r.FirstError, "status 418") {
		t.Errorf("bad URL: %d requests, %d errors (%s); want all failed with 418", r.Requests, r.Errors, r.FirstError)
	}
	if r.Quantile(.5) <= 0 || r.Quantile(.5) > r.Quantile(1) {
		t.Errorf("quantiles p50 %v max %v", r.Quantile(.5), r.Quantile(1))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
