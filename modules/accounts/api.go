package accounts

import (
	"errors"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// LoginRequest is the body of POST /api/v1/auth/login.
type LoginRequest struct {
	Email    string `json:"email" api:"required"`
	Password string `json:"password" api:"required"`
}

// UserView is a user as the API shows it.
type UserView struct {
	ID             string `json:"id"`
	Email          string `json:"email"`
	Role           string `json:"role" api:"enum=role"`
	CollaboratorID string `json:"collaborator_id"`
	Language       string `json:"language,omitempty" api:"enum=language"`
}

func toView(u User) UserView {
	return UserView{ID: u.ID, Email: u.Email, Role: u.Role, CollaboratorID: u.CollaboratorID, Language: u.Language}
}

// LoginResponse answers a successful sign-in.
type LoginResponse struct {
	Token string   `json:"token"`
	User  UserView `json:"user"`
}

// PasswordChange is the body of POST /api/v1/me/password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password" api:"required"`
	NewPassword     string `json:"new_password" api:"required"`
}

// UserChange is the body of PATCH /api/v1/users/{id}: a new role (which
// ends the account's sessions), a new language of its mail, or both.
type UserChange struct {
	Role     *string `json:"role" api:"enum=role"`
	Language *string `json:"language" api:"enum=language"`
}

// MyChange is the body of PATCH /api/v1/me: the language of my mail.
type MyChange struct {
	Language string `json:"language" api:"required,enum=language"`
}

func (m *Module) apiRoutes(r *web.Router) {
	r.Post("/auth/login", web.Doc{Summary: "Sign in", Request: LoginRequest{}, Response: LoginResponse{},
		Errors: []errs.Kind{errs.Unauthorized, errs.Forbidden, errs.TooManyRequests}}, m.apiLogin)
	r.Post("/auth/logout", web.Doc{Summary: "Sign out (revoke the token)", Status: 204}, m.apiLogout)
	r.Get("/me", web.Doc{Summary: "The signed-in user", Response: UserView{}}, m.apiMe)
	r.Post("/me/password", web.Doc{Summary: "Change my password (ends my other sessions)", Request: PasswordChange{}, Status: 204, Errors: []errs.Kind{errs.Unprocessable}}, m.apiPassword)
	r.Get("/users", web.Doc{Summary: "List accounts", Response: web.List[UserView]{}, Query: []string{"limit", "offset"}}, web.Paged(m.apiUsers))
	r.Post("/users", web.Doc{Summary: "Create an account", Request: NewUser{}, Response: UserView{}, Status: 201, Errors: []errs.Kind{errs.Conflict}}, m.apiCreateUser)
	r.Post("/auth/password-reset", web.Doc{Summary: "Mail a password-reset link to an account's address (the same answer whether or not it exists)",
		Request: ResetRequest{}, Status: 202, Errors: []errs.Kind{errs.TooManyRequests}}, m.apiReset)
	r.Post("/collaborators/:id/activation", web.Doc{Summary: "Send a collaborator a new set-password link (the earlier one stops working); makes their account if they have none",
		Status: 202, Errors: []errs.Kind{errs.Unprocessable, errs.Conflict}}, m.apiResend)
	r.Patch("/me", web.Doc{Summary: "Change my account's language (vi or en: the language of my mail)", Request: MyChange{}, Response: UserView{}}, m.apiChangeMe)
	r.Patch("/users/:id", web.Doc{Summary: "Change an account's role (ends its sessions) or language (vi or en: the language of its mail)", Request: UserChange{}, Response: UserView{}, Errors: []errs.Kind{errs.Unprocessable}}, m.apiChangeUser)
}

func (m *Module) apiLogin(c *fiber.Ctx) error {
	var in LoginRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	token, u, err := m.svc.LoginFrom(c.UserContext(), web.ClientOf(c), in.Email, in.Password)
	if err != nil {
		return err
	}
	m.setCookie(c, token)
	return c.JSON(LoginResponse{Token: token, User: toView(u)})
}

func (m *Module) setCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: web.SessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: m.Platform.SecureCookies(), Expires: time.Now().Add(SessionTTL)})
}

func (m *Module) clearCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: web.SessionCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: m.Platform.SecureCookies(), MaxAge: -1, Expires: time.Unix(0, 0)})
}

func requestToken(c *fiber.Ctx) string {
	if h := c.Get(fiber.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	return c.Cookies(web.SessionCookie)
}

func (m *Module) apiLogout(c *fiber.Ctx) error {
	if err := m.svc.Logout(c.UserContext(), requestToken(c)); err != nil {
		return err
	}
	m.clearCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

func (m *Module) apiMe(c *fiber.Ctx) error {
	u, err := m.svc.Me(c.UserContext(), web.PrincipalOf(c))
	if err != nil {
		return err
	}
	return c.JSON(toView(u))
}

func (m *Module) apiPassword(c *fiber.Ctx) error {
	var in PasswordChange
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := m.svc.ChangePassword(c.UserContext(), web.PrincipalOf(c), in.CurrentPassword, in.NewPassword); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (m *Module) apiUsers(c *fiber.Ctx) ([]UserView, error) {
	users, err := m.svc.Users(c.UserContext())
	if err != nil {
		return nil, err
	}
	views := make([]UserView, len(users))
	for i, u := range users {
		views[i] = toView(u)
	}
	return views, nil
}

func (m *Module) apiCreateUser(c *fiber.Ctx) error {
	var in NewUser
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := m.svc.CreateUser(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toView(u))
}

func (m *Module) apiChangeUser(c *fiber.Ctx) error {
	var in UserChange
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Role == nil && in.Language == nil {
		return errs.Field("role", "give a role or a language to change")
	}
	// A bad language is refused before the role changes.
	if in.Language != nil {
		if err := CheckLanguage(*in.Language); err != nil {
			return err
		}
	}
	id := c.Params("id")
	var u User
	var err error
	if in.Role != nil {
		if u, err = m.svc.SetRole(c.UserContext(), id, *in.Role); err != nil {
			return err
		}
	}
	if in.Language != nil {
		if u, err = m.svc.SetLanguage(c.UserContext(), id, *in.Language); err != nil {
			return err
		}
	}
	return c.JSON(toView(u))
}

func (m *Module) apiChangeMe(c *fiber.Ctx) error {
	var in MyChange
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := m.svc.SetLanguage(c.UserContext(), web.PrincipalOf(c).UserID, in.Language)
	if err != nil {
		return err
	}
	return c.JSON(toView(u))
}

// ResetRequest is the body of POST /api/v1/auth/password-reset.
type ResetRequest struct {
	Email string `json:"email" api:"required"`
}

func (m *Module) apiReset(c *fiber.Ctx) error {
	var in ResetRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := m.svc.RequestReset(c.UserContext(), web.ClientOf(c), in.Email); err != nil {
		var e *errs.Error
		if errors.As(err, &e) && e.Kind == errs.TooManyRequests {
			c.Set(fiber.HeaderRetryAfter, retryAfter(e))
		}
		return err
	}
	return c.Status(fiber.StatusAccepted).Send(nil) // no body: SendStatus would write "Accepted"
}

func (m *Module) apiResend(c *fiber.Ctx) error {
	if err := m.svc.ResendActivation(c.UserContext(), web.ScopeOf(c), c.Params("id")); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).Send(nil) // no body: SendStatus would write "Accepted"
}
