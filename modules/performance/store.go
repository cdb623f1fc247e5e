package performance

import (
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Store holds the module's collections: performance_records (one document
// per collaborator and quarter), performance_quarters (one per quarter:
// its defaults and the ids of its records) and performance_summaries (one
// per quarter: a copy of each record, for its list), and
// performance_version (one document counting the records' changes). All
// are read by _id only.
type Store struct {
	records   *store.Coll[Record]
	quarters  *store.Coll[quarterDoc]
	summaries *store.Coll[summaryDoc]
	version   *store.Counter
}

// NewStore returns the store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{
		records:   store.NewColl[Record](db, "performance_records", "performance record"),
		quarters:  store.NewColl[quarterDoc](db, "performance_quarters", "quarter"),
		summaries: store.NewColl[summaryDoc](db, "performance_summaries", "quarter summary"),
		version:   store.NewCounter(db, "performance_version", "all"),
	}
}

// Indexes are the module's indexes. The service reads by _id only; these
// create both collections at setup (so that the embedded store's _id
// index is added to them) and let MongoDB find a quarter's records.
func Indexes() []store.Index {
	return []store.Index{
		{Collection: "performance_records", Keys: bson.D{{Key: "quarter", Value: 1}, {Key: "area_code", Value: 1}}, Name: "quarter_area"},
		{Collection: "performance_quarters", Keys: bson.D{{Key: "updated_at", Value: 1}}, Name: "updated"},
		{Collection: "performance_summaries", Keys: bson.D{{Key: "pending", Value: 1}}, Name: "pending"},
	}
}
