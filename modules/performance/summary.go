package performance

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// summaryDoc is a quarter's list as stored: a copy of each of its records
// (performance_summaries, one document per quarter, _id the quarter), so
// that a quarter is listed from two reads by _id (its quarterDoc and this)
// instead of one read per record.
//
// A write keeps it in step in three steps: it adds the record's id to
// Pending, writes the record, then puts the record's copy in Rows and
// takes the id out of Pending. A reader trusts the copy of a record that
// is not pending and reads the others by _id, so a write that stopped
// half way (or a record written before summaries existed: an id of the
// quarterDoc's list without a row) costs that reader a read, never a
// stale answer. The next write of that record repairs its row.
type summaryDoc struct {
	ID string `bson:"_id"`
	// Data is Rows, gzipped JSON: one binary field decodes in a fraction
	// of the time the same rows take as embedded documents (the embedded
	// store keeps a type schema beside every field of every element).
	Data    []byte   `bson:"data"`
	Rows    []Record `bson:"-"`
	Pending []string `bson:"pending"`
	Rev     int64    `bson:"rev"`
}

// summaryRow is a record as Data holds it (Record's JSON leaves out _id).
type summaryRow struct {
	ID string `json:"id"`
	Record
}

func (d *summaryDoc) decode() error {
	d.Rows = nil
	if len(d.Data) == 0 {
		return nil
	}
	var rows []summaryRow
	if err := ungzipJSON(d.Data, &rows); err != nil {
		return fmt.Errorf("performance: summary %s: %w", d.ID, err)
	}
	d.Rows = make([]Record, len(rows))
	for i, r := range rows {
		d.Rows[i] = r.Record
		d.Rows[i].ID = r.ID
	}
	return nil
}

func (d *summaryDoc) encode() error {
	rows := make([]summaryRow, len(d.Rows))
	for i, r := range d.Rows {
		rows[i] = summaryRow{ID: r.ID, Record: r}
	}
	b, err := gzipJSON(rows)
	if err != nil {
		return err
	}
	d.Data = b
	return nil
}

// gzipJSON is v as gzipped JSON: how the summary's rows and a quarter's
// defaults are stored (one binary field).
func gzipJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	if err := json.NewEncoder(z).Encode(v); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ungzipJSON decodes gzipped JSON written by gzipJSON into v.
func ungzipJSON(data []byte, v any) error {
	z, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return json.NewDecoder(z).Decode(v)
}

// row returns the copy of record id, if any.
func (d *summaryDoc) row(id string) (Record, bool) {
	i, ok := slices.BinarySearchFunc(d.Rows, id, func(r Record, id string) int {
		switch {
		case r.ID < id:
			return -1
		case r.ID > id:
			return 1
		}
		return 0
	})
	if !ok {
		return Record{}, false
	}
	return d.Rows[i], true
}

// set puts the copies of rs in Rows (kept sorted by id) and takes their
// ids out of Pending.
func (d *summaryDoc) set(rs ...Record) {
	byID := make(map[string]Record, len(rs))
	for _, r := range rs {
		r.Stored, r.FullName = false, ""
		byID[r.ID] = r
	}
	for i, r := range d.Rows {
		if n, ok := byID[r.ID]; ok {
			d.Rows[i] = n
			delete(byID, r.ID)
		}
	}
	for _, r := range byID {
		d.Rows = append(d.Rows, r)
	}
	sort.Slice(d.Rows, func(i, j int) bool { return d.Rows[i].ID < d.Rows[j].ID })
	d.Pending = slices.DeleteFunc(d.Pending, func(id string) bool {
		for _, r := range rs {
			if r.ID == id {
				return true
			}
		}
		return false
	})
}

// markPending adds ids to a quarter's pending ids before their records
// are written (one command by _id), and bumps the version.
func (st *Store) markPending(ctx context.Context, quarter string, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := st.summaries.Change(ctx, quarter, bson.D{{Key: "$addToSet", Value: bson.D{{Key: "pending", Value: bson.D{{Key: "$each", Value: ids}}}}}}, true); err != nil {
		return err
	}
	return st.bump(ctx)
}

// summarize puts the copies of records written (of one quarter) in their
// quarter's summary, clears their pending marks and bumps the version.
func (st *Store) summarize(ctx context.Context, quarter string, rs ...Record) error {
	if len(rs) == 0 {
		return nil
	}
	_, err := st.summaries.Apply(ctx, quarter, func(d *summaryDoc, _ bool) error {
		if err := d.decode(); err != nil {
			return err
		}
		d.set(rs...)
		return d.encode()
	})
	if err != nil {
		return err
	}
	return st.bump(ctx)
}

// summary reads a quarter's summary (empty when none is stored).
func (st *Store) summary(ctx context.Context, quarter string) (summaryDoc, error) {
	d, err := st.summaries.Get(ctx, quarter)
	if errs.Is(err, errs.NotFound) {
		return summaryDoc{ID: quarter}, nil
	}
	if err != nil {
		return d, err
	}
	return d, d.decode()
}

// Quarter is one quarter as Bulk writes it: its default targets and its
// records, complete (attainment computed, status and stamps set).
type Quarter struct {
	Quarter  string
	Defaults []Default
	Records  []Record
}

// Bulk writes whole quarters that hold nothing yet (a fixture's or a
// migration's): each quarter's document, its records and its summary, as
// the service's writes leave them. Records already stored are reported as
// store.ErrDuplicate.
func (st *Store) Bulk(ctx context.Context, qs []Quarter) error {
	for _, q := range qs {
		ids := make([]string, len(q.Records))
		for i := range q.Records {
			r := &q.Records[i]
			r.Quarter, r.ID = q.Quarter, recordID(r.CollaboratorID, q.Quarter)
			ids[i] = r.ID
		}
		if q.Defaults == nil {
			q.Defaults = []Default{}
		}
		qd := quarterDoc{ID: q.Quarter, Records: ids, Rev: 1}
		if err := qd.pack(q.Defaults); err != nil {
			return err
		}
		if err := st.quarters.Put(ctx, q.Quarter, qd); err != nil {
			return err
		}
		dup, err := st.records.InsertMany(ctx, q.Records)
		if err != nil {
			return err
		}
		if len(dup) > 0 {
			return store.ErrDuplicate
		}
		s := summaryDoc{ID: q.Quarter, Pending: []string{}, Rev: 1}
		s.set(q.Records...)
		if err := s.encode(); err != nil {
			return err
		}
		if err := st.summaries.Put(ctx, q.Quarter, s); err != nil {
			return err
		}
	}
	return st.bump(ctx)
}

// pack stores defaults in Packed.
func (d *quarterDoc) pack(defaults []Default) error {
	b, err := gzipJSON(defaults)
	if err != nil {
		return err
	}
	d.Packed, d.Defaults = b, nil
	return nil
}

// unpack reads Packed into Defaults.
func (d *quarterDoc) unpack() error {
	if len(d.Packed) == 0 {
		return nil
	}
	d.Defaults = nil
	if err := ungzipJSON(d.Packed, &d.Defaults); err != nil {
		return fmt.Errorf("performance: quarter %s: %w", d.ID, err)
	}
	return nil
}
