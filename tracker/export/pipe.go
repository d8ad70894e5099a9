package export

// pipe runs produce on its own goroutine and hands what it emits to
// consume on the caller's, so that parsing the export (CSV, Python
// literals, content files) overlaps with writing to the database. emit
// reports false once consume has failed; produce should then return.
// The first error of consume, else of produce, is returned.
func pipe[T any](produce func(emit func(T) bool) error, consume func(T) error) error {
	ch := make(chan T, 4)
	stop := make(chan struct{})
	var perr error
	go func() {
		defer close(ch)
		perr = produce(func(v T) bool {
			select {
			case ch <- v:
				return true
			case <-stop:
				return false
			}
		})
	}()
	var cerr error
	for v := range ch {
		if cerr != nil {
			continue
		}
		if cerr = consume(v); cerr != nil {
			close(stop)
		}
	}
	if cerr != nil {
		return cerr
	}
	return perr
}
