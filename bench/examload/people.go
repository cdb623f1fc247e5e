package examload

import (
	"context"
	"fmt"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Password is the password of every bench account.
const Password = "examload-password-2026"

// Areas is how many bench district units the takers are spread over.
const Areas = 10

// Email is the sign-in of the i-th bench CTV (0-based).
func Email(i int) string { return fmt.Sprintf("ctv.examload.%04d@example.vn", i+1) }

// AddPeople adds n CTVs with accounts in Areas bench units (BX-01 …),
// through the registry and accounts services, unless the first of them
// exists already. The password hash is made with cheap parameters (a
// hash carries its own), so that signing in a thousand takers does not
// dominate the run.
func AddPeople(ctx context.Context, db *mongo.Database, reg *collaborators.Service, n int) error {
	areas, err := reg.Areas(ctx)
	if err != nil {
		return err
	}
	for _, a := range areas {
		if a.Code == "BX-01" {
			return nil
		}
	}
	for k := 1; k <= Areas; k++ {
		areas = append(areas, collaborators.Area{Code: fmt.Sprintf("BX-%02d", k), Name: fmt.Sprintf("Đơn vị đo tải %02d", k)})
	}
	if err := reg.SetAreas(ctx, areas); err != nil {
		return fmt.Errorf("areas: %w", err)
	}
	ins := make([]collaborators.Input, n)
	for i := range ins {
		area := fmt.Sprintf("BX-%02d", i%Areas+1)
		ins[i] = collaborators.Input{Code: fmt.Sprintf("%s-%04d", area, i+1), FullName: fmt.Sprintf("Nguyễn Văn Đo Tải %04d", i+1),
			Email: Email(i), Phone: fmt.Sprintf("09%08d", i+1), Role: authz.RoleCTV, AreaCode: area,
			Commune: "Xã Đo Tải", Position: "Công chức Kinh tế xã",
			Contract: collaborators.Contract{Number: fmt.Sprintf("BX%04d/2026/HĐ-TTKC", i+1), StartsOn: "2026-01-01", EndsOn: "2027-12-31",
				Status: collaborators.ContractActive, QuarterlyStipend: 1_500_000}}
	}
	created, err := reg.Create(ctx, ins, func(i int) string { return fmt.Sprintf("bench[%d].", i) })
	if err != nil {
		return fmt.Errorf("collaborators: %w", err)
	}
	svc, err := accounts.NewService(accounts.Deps{Store: accounts.NewStore(db), Audit: audit.New(db, time.Now), Directory: reg, Clock: clock.System{},
		Params: &argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}})
	if err != nil {
		return err
	}
	hash, err := svc.HashPassword(Password)
	if err != nil {
		return err
	}
	users := make([]accounts.NewUser, len(created))
	for i, c := range created {
		users[i] = accounts.NewUser{Email: c.Email, Role: c.Role, CollaboratorID: c.ID}
	}
	if err := svc.CreateUsersWithHash(ctx, users, hash); err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	return nil
}
