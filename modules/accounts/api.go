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

// RoleChange is the body of PATCH /api/v1/users/{id}.
type RoleChange struct {
	Role string `json:"role" api:"required,enum=role"`
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
	r.Patch("/users/:id", web.Doc{Summary: "Change an account's role (ends its sessions)", Request: RoleChange{}, Response: UserView{}, Errors: []errs.Kind{errs.Unprocessable}}, m.apiSetRole)
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

func (m *Module) apiSetRole(c *fiber.Ctx) error {
	var in RoleChange
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := m.svc.SetRole(c.UserContext(), c.Params("id"), in.Role)
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
