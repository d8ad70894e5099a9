package postgres

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

// listen runs a LISTEN loop on its own connection for the outbox
// notifications of this schema and signals the returned channel on each
// (coalesced), and once after every (re)connect so events queued while
// the connection was down are caught up. It reconnects with jittered
// backoff until ctx ends.
func listen(ctx context.Context, cfg *pgx.ConnConfig) <-chan struct{} {
	ch := make(chan struct{}, 1)
	signal := func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	go func() {
		backoff := 100 * time.Millisecond
		for ctx.Err() == nil {
			conn, err := pgx.ConnectConfig(ctx, cfg.Copy())
			if err == nil {
				var schema string
				if err = conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err == nil {
					_, err = conn.Exec(ctx, `LISTEN "corral_outbox_`+schema+`"`)
				}
				if err == nil {
					backoff = 100 * time.Millisecond
					signal()
					for {
						if _, err = conn.WaitForNotification(ctx); err != nil {
							break
						}
						signal()
					}
				}
				conn.Close(context.Background())
			}
			if ctx.Err() != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff/2 + rand.N(backoff/2+1)):
			}
			backoff = min(backoff*2, 30*time.Second)
		}
	}()
	return ch
}
