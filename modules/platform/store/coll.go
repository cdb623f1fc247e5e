package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// ErrDuplicate is what Insert and InsertMany wrap when a unique key refuses
// a document; IsDuplicate recognises it.
var ErrDuplicate = errors.New("store: duplicate key")

// ErrUnchanged, returned by the function given to Update or Apply, ends the
// update without writing; the call returns the document as it was.
var ErrUnchanged = errors.New("store: unchanged")

// Coll is a typed handle on one collection whose documents decode into D
// and are addressed by a string `_id`. It is the only place the difference
// between the embedded store and MongoDB is spelt out: modules read and
// write through it and never ask which store they are on (docs/STORE.md).
type Coll[D any] struct {
	c    *mongo.Collection
	what string // names a document in errors: "no such <what>"
	// sole: this process is the store's only client (the embedded store,
	// reached over one connection): a lock in the process then makes a
	// read-modify-write of one document atomic.
	sole bool
}

// NewColl returns the handle on collection name of db; what names one
// document in the errors it returns ("session": "no such session").
func NewColl[D any](db *mongo.Database, name, what string) *Coll[D] {
	return &Coll[D]{c: db.Collection(name), what: what, sole: exclusive(db.Client())}
}

// Name is the collection's name.
func (c *Coll[D]) Name() string { return c.c.Name() }

// Raw is the driver's collection, for what the handle does not cover
// (aggregations, updates with operators). Both stores must support what is
// done with it (see the store rule in docs/STORE.md).
func (c *Coll[D]) Raw() *mongo.Collection { return c.c }

func (c *Coll[D]) notFound() error { return errs.E(errs.NotFound, "no such %s", c.what) }

// Get reads the document id. Errors: errs.NotFound.
func (c *Coll[D]) Get(ctx context.Context, id string) (D, error) {
	var d D
	err := c.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if IsNotFound(err) {
		return d, c.notFound()
	}
	return d, err
}

// One reads the first document matching filter, for a lookup by a unique
// key other than `_id`. Errors: errs.NotFound.
func (c *Coll[D]) One(ctx context.Context, filter bson.D) (D, error) {
	var d D
	err := c.c.FindOne(ctx, filter).Decode(&d)
	if IsNotFound(err) {
		return d, c.notFound()
	}
	return d, err
}

// GetMany reads the documents of ids that exist, one read by `_id` each
// (the only lookup the embedded store does not scan for), keyed by id.
func (c *Coll[D]) GetMany(ctx context.Context, ids []string) (map[string]D, error) {
	out := make(map[string]D, len(ids))
	for _, id := range ids {
		if _, seen := out[id]; seen {
			continue
		}
		d, err := c.Get(ctx, id)
		if errs.KindOf(err) == errs.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = d
	}
	return out, nil
}

// Find says how to list documents: in which order, and which page.
type Find struct {
	Sort       bson.D
	Skip       int64
	Limit      int64 // 0: all
	Projection bson.D
}

func (f Find) options() *options.FindOptionsBuilder {
	o := options.Find()
	if len(f.Sort) > 0 {
		o.SetSort(f.Sort)
	}
	if f.Skip > 0 {
		o.SetSkip(f.Skip)
	}
	if f.Limit > 0 {
		o.SetLimit(f.Limit)
	}
	if len(f.Projection) > 0 {
		o.SetProjection(f.Projection)
	}
	return o
}

// List returns the documents matching filter (nil: all), as f says.
func (c *Coll[D]) List(ctx context.Context, filter any, f Find) ([]D, error) {
	out := []D{}
	err := c.Each(ctx, filter, f, func(d D) error {
		out = append(out, d)
		return nil
	})
	return out, err
}

// Each calls fn with each document matching filter (nil: all), as f says,
// decoding one at a time; an error from fn stops it and is returned.
func (c *Coll[D]) Each(ctx context.Context, filter any, f Find, fn func(D) error) error {
	if filter == nil {
		filter = bson.D{}
	}
	cur, err := c.c.Find(ctx, filter, f.options())
	if err != nil {
		return err
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("store: decode %s %v: %w", c.what, cur.Current.Lookup("_id"), err)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return cur.Err()
}

// Count counts the documents matching filter (nil: all).
func (c *Coll[D]) Count(ctx context.Context, filter any) (int, error) {
	if filter == nil {
		filter = bson.D{}
	}
	n, err := c.c.CountDocuments(ctx, filter)
	return int(n), err
}

// Insert adds a document. A unique key refusing it gives an error that
// IsDuplicate recognises (errors.Is ErrDuplicate).
func (c *Coll[D]) Insert(ctx context.Context, d D) error {
	_, err := c.c.InsertOne(ctx, d)
	if IsDuplicate(err) {
		return fmt.Errorf("%w: %s: %v", ErrDuplicate, c.what, err)
	}
	return err
}

// InsertMany adds documents InsertChunk at a time, unordered, and reports
// by index the ones a unique key refused; any other failure is an error.
func (c *Coll[D]) InsertMany(ctx context.Context, ds []D) (dup map[int]bool, err error) {
	docs := make([]any, len(ds))
	for i := range ds {
		docs[i] = ds[i]
	}
	return InsertAll(ctx, c.c, docs)
}

// Put writes d as the document id, replacing it or creating it.
func (c *Coll[D]) Put(ctx context.Context, id string, d D) error {
	_, err := c.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, d, options.Replace().SetUpsert(true))
	return err
}

// Delete removes the document id and reports whether it was there.
func (c *Coll[D]) Delete(ctx context.Context, id string) (bool, error) {
	res, err := c.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return false, err
	}
	return res.DeletedCount == 1, nil
}

// DeleteWhere removes the documents matching filter and returns how many
// it removed. On the embedded store any filter but `_id` alone decodes the
// whole collection: keep it off hot paths there.
func (c *Coll[D]) DeleteWhere(ctx context.Context, filter bson.D) (int, error) {
	res, err := c.c.DeleteMany(ctx, filter)
	if err != nil {
		return 0, err
	}
	return int(res.DeletedCount), nil
}

// DeleteIDs removes the documents of ids. On the embedded store that is
// one delete by `_id` each (short commands, each pushed down to SQLite);
// on MongoDB one delete of them all.
func (c *Coll[D]) DeleteIDs(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if !c.sole {
		_, err := c.c.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
		return err
	}
	for _, id := range ids {
		if _, err := c.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
			return err
		}
	}
	return nil
}

// DeleteUnchanged removes the document id if no Update changed it since d
// was read (d's "rev"), and reports whether it did.
func (c *Coll[D]) DeleteUnchanged(ctx context.Context, id string, d D) (bool, error) {
	rev, hasRev, err := revOf(d)
	if err != nil {
		return false, err
	}
	defer lockDoc(c.c.Name(), id)()
	if c.sole {
		cur, found, err := c.getRaw(ctx, id)
		if err != nil || !found {
			return false, err
		}
		if r, has := rawRev(cur); r != rev || has != hasRev {
			return false, nil
		}
		return c.Delete(ctx, id)
	}
	res, err := c.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, revFilter(rev, hasRev)})
	if err != nil {
		return false, err
	}
	return res.DeletedCount == 1, nil
}

// maxTries bounds how often Update reads again after losing a
// compare-and-set to another process.
const maxTries = 100

// Update applies fn to the document id and writes the result unless the
// document changed meanwhile, reading again and retrying when it did. Its
// "rev" field counts the writes: Update sets it, whatever fn left there.
// Updates of one document by this process take turns (a lock per
// document); on the embedded store, whose only client is this process,
// that lock makes the read and a replace by `_id` atomic, and on MongoDB
// the replace is a compare-and-set on `_id` and "rev". fn may return
// ErrUnchanged to write nothing, or any error to stop; it must not use the
// store. Errors: errs.NotFound, errs.Conflict after maxTries lost races.
func (c *Coll[D]) Update(ctx context.Context, id string, fn func(*D) error) (D, error) {
	return c.Apply(ctx, id, func(d *D, found bool) error {
		if !found {
			return c.notFound()
		}
		return fn(d)
	})
}

// Apply is Update for a document that may not exist yet: fn is told
// whether it was found (d is the zero D when not) and the result is
// inserted when it was not.
func (c *Coll[D]) Apply(ctx context.Context, id string, fn func(d *D, found bool) error) (D, error) {
	defer lockDoc(c.c.Name(), id)()
	for try := 0; try < maxTries; try++ {
		raw, found, err := c.getRaw(ctx, id)
		var zero, d D
		if err != nil {
			return zero, err
		}
		rev, hasRev := int64(0), false
		if found {
			if err := bson.Unmarshal(raw, &d); err != nil {
				return zero, fmt.Errorf("store: decode %s %s: %w", c.what, id, err)
			}
			rev, hasRev = rawRev(raw)
		}
		if err := fn(&d, found); err != nil {
			if errors.Is(err, ErrUnchanged) {
				return d, nil
			}
			return zero, err
		}
		next, err := withRev(d, id, rev+1)
		if err != nil {
			return zero, err
		}
		ok, err := c.write(ctx, id, next, found, rev, hasRev)
		if err != nil {
			return zero, err
		}
		if ok {
			var out D
			b, err := bson.Marshal(next)
			if err == nil {
				err = bson.Unmarshal(b, &out)
			}
			return out, err
		}
		if err := ctx.Err(); err != nil {
			return zero, err
		}
	}
	var zero D
	return zero, errs.E(errs.Conflict, "the %s is busy; try again", c.what)
}

// Change applies update (operators: $addToSet, $push, $set, $inc…) to
// the document id in one command by `_id`, creating it when upsert is set,
// and bumps its "rev" as every write through Update does, so that an
// Update or Apply of the same document cannot overwrite it: on the
// embedded store Change takes the same per-document lock as their read
// and replace, on MongoDB their compare-and-set on "rev" fails and reads
// again. It reports whether a document matched (or was created).
func (c *Coll[D]) Change(ctx context.Context, id string, update bson.D, upsert bool) (bool, error) {
	update = withRevInc(update)
	defer lockDoc(c.c.Name(), id)()
	res, err := c.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update, options.UpdateOne().SetUpsert(upsert))
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1 || res.UpsertedCount == 1, nil
}

// withRevInc is update with "rev" incremented by one ($inc merged into
// the update's own $inc, if any).
func withRevInc(update bson.D) bson.D {
	out := make(bson.D, 0, len(update)+1)
	merged := false
	for _, e := range update {
		if e.Key == "$inc" {
			if inc, ok := e.Value.(bson.D); ok {
				e.Value = append(append(bson.D{}, inc...), bson.E{Key: "rev", Value: int64(1)})
				merged = true
			}
		}
		out = append(out, e)
	}
	if !merged {
		out = append(out, bson.E{Key: "$inc", Value: bson.D{{Key: "rev", Value: int64(1)}}})
	}
	return out
}

// write stores next as the document id if it is as it was read: found
// with rev, or missing.
func (c *Coll[D]) write(ctx context.Context, id string, next bson.D, found bool, rev int64, hasRev bool) (bool, error) {
	if !found {
		_, err := c.c.InsertOne(ctx, next)
		if IsDuplicate(err) && !c.sole {
			return false, nil // another process created it first: read it again
		}
		return err == nil, err
	}
	filter := bson.D{{Key: "_id", Value: id}}
	if !c.sole {
		filter = append(filter, revFilter(rev, hasRev))
	}
	res, err := c.c.ReplaceOne(ctx, filter, next)
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}

func (c *Coll[D]) getRaw(ctx context.Context, id string) (bson.Raw, bool, error) {
	raw, err := c.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if IsNotFound(err) {
		return nil, false, nil
	}
	return raw, err == nil, err
}

// revFilter matches the document read with rev (or without one).
func revFilter(rev int64, has bool) bson.E {
	if !has {
		return bson.E{Key: "rev", Value: bson.D{{Key: "$exists", Value: false}}}
	}
	return bson.E{Key: "rev", Value: rev}
}

// rawRev reads a document's "rev", whatever integer type holds it.
func rawRev(raw bson.Raw) (int64, bool) {
	v, err := raw.LookupErr("rev")
	if err != nil {
		return 0, false
	}
	if n, ok := v.AsInt64OK(); ok {
		return n, true
	}
	return 0, false
}

func revOf(d any) (int64, bool, error) {
	b, err := bson.Marshal(d)
	if err != nil {
		return 0, false, err
	}
	rev, has := rawRev(b)
	return rev, has, nil
}

// withRev is d as a document with `_id` id and "rev" rev.
func withRev(d any, id string, rev int64) (bson.D, error) {
	b, err := bson.Marshal(d)
	if err != nil {
		return nil, err
	}
	var doc bson.D
	if err := bson.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	out := bson.D{{Key: "_id", Value: id}}
	for _, e := range doc {
		if e.Key != "_id" && e.Key != "rev" {
			out = append(out, e)
		}
	}
	return append(out, bson.E{Key: "rev", Value: rev}), nil
}

// UpdateOrphans applies update to the documents matching filter when
// this process is the store's only client (the embedded store, whose
// directory it locks) and returns how many it changed; on a shared store
// it does nothing. It is for state only a running process holds — a lease
// taken by a worker that died with the previous process: at start such a
// lease can only be an orphan where no other process shares the store.
func (c *Coll[D]) UpdateOrphans(ctx context.Context, filter, update bson.D) (int, error) {
	if !c.sole {
		return 0, nil
	}
	res, err := c.c.UpdateMany(ctx, filter, update)
	if err != nil {
		return 0, err
	}
	return int(res.ModifiedCount), nil
}

// leaseMu makes finding and taking documents one step for the leases of
// this process on the embedded store.
var leaseMu sync.Mutex

// Lease takes up to n documents matching due, applying update (operators)
// to each in a write whose filter re-checks due, so two takers never both
// get one, and returns them as updated. more is asked before each
// document after the first and stops the batch when false (a lease whose
// time runs out while it is taken is no use).
//
// On MongoDB each take is one findOneAndUpdate on `_id` and due. On the
// embedded store, which decodes every document for any filter but `_id`
// alone, the due documents are found in one query and each is then taken
// by `_id`, under a lock that this process's takers share (it is the
// store's only client, so nothing else takes them in between).
func (c *Coll[D]) Lease(ctx context.Context, due, update bson.D, n int, more func() bool) ([]D, error) {
	if c.sole {
		leaseMu.Lock()
		defer leaseMu.Unlock()
	}
	cur, err := c.c.Find(ctx, due, options.Find().SetLimit(int64(n)).SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var found []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &found); err != nil {
		return nil, err
	}
	out := make([]D, 0, len(found))
	for i, f := range found {
		if i > 0 && more != nil && !more() {
			break
		}
		var d D
		var err error
		if c.sole {
			// Deleted since the find (a delete whose caller gave up still
			// runs to its end on the embedded store): nothing to take.
			var res *mongo.UpdateResult
			res, err = c.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: f.ID}}, update)
			if err == nil && res.MatchedCount == 0 {
				continue
			}
			if err == nil {
				d, err = c.Get(ctx, f.ID)
				if errs.KindOf(err) == errs.NotFound {
					continue
				}
			}
		} else {
			filter := append(bson.D{{Key: "_id", Value: f.ID}}, due...)
			err = c.c.FindOneAndUpdate(ctx, filter, update, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
			if IsNotFound(err) {
				continue // another process took it
			}
		}
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
	return out, nil
}
