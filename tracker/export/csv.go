package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvWriter writes rows as Python's csv.writer does with Roundup's
// colon_separated dialect (csv.excel with delimiter ':') and
// lineterminator '\n': QUOTE_MINIMAL quotes a field holding the
// delimiter, the quote character or a line break, doubling quotes. The
// fields are repr()s, which never hold a raw line break, so in practice
// only ':' and '"' cause quoting (Python 3.11 would not quote a lone
// '\r'; quoting it keeps such a field readable). encoding/csv also quotes
// fields starting with a space, which Python does not, hence this writer.
type csvWriter struct {
	w   *bufio.Writer
	err error
}

func newCSVWriter(w io.Writer) *csvWriter {
	return &csvWriter{w: bufio.NewWriterSize(w, 256<<10)}
}

func (cw *csvWriter) write(fields []string) {
	if cw.err != nil {
		return
	}
	for i, f := range fields {
		if i > 0 {
			cw.w.WriteByte(':')
		}
		if !strings.ContainsAny(f, ":\"\r\n") && !(f == "" && len(fields) == 1) {
			cw.w.WriteString(f)
			continue
		}
		cw.w.WriteByte('"')
		for {
			j := strings.IndexByte(f, '"')
			if j < 0 {
				break
			}
			cw.w.WriteString(f[:j+1])
			cw.w.WriteByte('"')
			f = f[j+1:]
		}
		cw.w.WriteString(f)
		cw.w.WriteByte('"')
	}
	_, cw.err = cw.w.WriteString("\n")
}

func (cw *csvWriter) flush() error {
	if cw.err != nil {
		return cw.err
	}
	return cw.w.Flush()
}

// csvReader reads Roundup's colon-separated files (Python's csv.reader
// with the same dialect) and knows the line each record starts on, for
// error messages.
type csvReader struct {
	name string // file name shown in errors ("user.csv")
	r    *csv.Reader
	line int
}

func newCSVReader(name string, data []byte) *csvReader {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ':'
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	return &csvReader{name: name, r: r}
}

// next returns the next record (valid until the following call) or
// io.EOF.
func (cr *csvReader) next() ([]string, error) {
	rec, err := cr.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %w", cr.name, pe.StartLine, pe.Err)
		}
		return nil, fmt.Errorf("reading %s: %w", cr.name, err)
	}
	cr.line, _ = cr.r.FieldPos(0)
	return rec, nil
}

// errorf formats an error about the current record: "user.csv:12: ...".
func (cr *csvReader) errorf(format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", cr.name, cr.line, fmt.Sprintf(format, args...))
}

// wrap wraps err with the current record's position.
func (cr *csvReader) wrap(err error) error {
	return fmt.Errorf("%s:%d: %w", cr.name, cr.line, err)
}

// countRows counts the records of a Roundup CSV file for progress
// reports: fields are repr()s, which never hold a raw line break, so
// every '\n' ends a record.
func countRows(data []byte) int {
	n := bytes.Count(data, []byte{'\n'})
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}
