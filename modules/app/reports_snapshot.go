package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/reports"
	"github.com/ctvacademy/academy/modules/standing"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// snapshotPart is the most bytes of the network's inputs one snapshot
// document holds (gzipped): 650 people take one part, a national network
// of 10,000 a few.
const snapshotPart = 2 << 20

// snapshotDoc is one part of the network's inputs as the reports last
// computed them (reports_snapshots): the people with their standing,
// every certificate and every quarterly record, gob-encoded and gzipped,
// split into parts of at most snapshotPart bytes. Part 0 (_id "network")
// holds the number of parts; part i > 0 is "network.i". Every part holds
// the key the inputs were computed at (the registry's, certification's
// and performance's version documents, the day in Vietnam and the
// standing rules' fingerprint) and the write it belongs to (Gen), so a
// reader takes the snapshot only when each part is of one write and its
// key is the one the version documents give now.
type snapshotDoc struct {
	ID    string `bson:"_id"`
	Key   string `bson:"key"`
	Gen   string `bson:"gen"`
	Parts int    `bson:"parts"`
	Data  []byte `bson:"data"`
}

const snapshotID = "network"

func snapshotPartID(i int) string {
	if i == 0 {
		return snapshotID
	}
	return snapshotID + "." + strconv.Itoa(i)
}

// snapshotInputs is what a snapshot holds.
type snapshotInputs struct {
	People       []reports.Person
	Certificates []certification.Certificate
	Records      []reports.Record
}

// snapshots keeps the network's inputs in the store, so a fresh process
// answers its first report from one or two reads by _id instead of
// reading the registry, every certificate and every summary whole.
type snapshots struct {
	coll  *store.Coll[snapshotDoc]
	rules string // the standing rules' fingerprint, part of every key
	part  int    // bytes a part holds at most (snapshotPart when 0)
	log   *slog.Logger
}

func newSnapshots(db *mongo.Database, rules standing.Config, log *slog.Logger) *snapshots {
	return &snapshots{coll: store.NewColl[snapshotDoc](db, "reports_snapshots", "reports snapshot"), rules: rulesPrint(rules), log: log}
}

// rulesPrint fingerprints the standing rules: a process started with
// another content/standing.yaml computes other standings from the same
// versions, and does not read the snapshot of the first.
func rulesPrint(c standing.Config) string {
	b, err := json.Marshal(c)
	if err != nil {
		return "unprintable" // never matches a stored key's fingerprint of a marshalled one
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// key is the stored form of k (format 2: a change of snapshotInputs, or
// of what they mean — 2: records in their person's current district —
// changes it).
func (s *snapshots) key(k reportsKey) string {
	return fmt.Sprintf("2/%d/%d/%d/%s/%s", k.reg, k.certs, k.records, k.day, s.rules)
}

// load returns the inputs stored at k; nil when none are (no snapshot,
// another key, or parts of two writes).
func (s *snapshots) load(ctx context.Context, k reportsKey) (*reports.Inputs, error) {
	head, err := s.coll.Get(ctx, snapshotID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	key := s.key(k)
	if head.Key != key || head.Parts < 1 {
		return nil, nil
	}
	data := head.Data
	if head.Parts > 1 {
		ids := make([]string, head.Parts-1)
		for i := range ids {
			ids[i] = snapshotPartID(i + 1)
		}
		rest, err := s.coll.GetMany(ctx, ids)
		if err != nil {
			return nil, err
		}
		data = bytes.Clone(data)
		for _, id := range ids {
			p, ok := rest[id]
			if !ok || p.Gen != head.Gen || p.Key != key {
				return nil, nil
			}
			data = append(data, p.Data...)
		}
	}
	z, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reports snapshot: %w", err)
	}
	var si snapshotInputs
	if err := gob.NewDecoder(z).Decode(&si); err != nil {
		return nil, fmt.Errorf("reports snapshot: %w", err)
	}
	return &reports.Inputs{People: si.People, Certificates: si.Certificates, Records: si.Records}, nil
}

// save stores in as the inputs at k: the parts after the first, then the
// first (which names how many there are), each with one new Gen.
func (s *snapshots) save(ctx context.Context, k reportsKey, in *reports.Inputs) error {
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	if err := gob.NewEncoder(z).Encode(snapshotInputs{People: in.People, Certificates: in.Certificates, Records: in.Records}); err != nil {
		return err
	}
	if err := z.Close(); err != nil {
		return err
	}
	size := s.part
	if size <= 0 {
		size = snapshotPart
	}
	data := b.Bytes()
	var chunks [][]byte
	for len(data) > size {
		chunks, data = append(chunks, data[:size]), data[size:]
	}
	chunks = append(chunks, data)
	gen := rand.Text()
	key := s.key(k)
	for i := len(chunks) - 1; i >= 0; i-- {
		d := snapshotDoc{ID: snapshotPartID(i), Key: key, Gen: gen, Data: chunks[i]}
		if i == 0 {
			d.Parts = len(chunks)
		}
		if err := s.coll.Put(ctx, d.ID, d); err != nil {
			return err
		}
	}
	return nil
}
