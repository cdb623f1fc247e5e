package certpdf

import "github.com/ctvacademy/academy/modules/certification"

// labels are the words of the certificate and the verification page in
// one language. They live here, beside the layout they fit, rather than in
// the shared translation files: the PDF's lines are measured for them.
type labels struct {
	Title, Certifies, Completed, CourseCode, Issued, ValidUntil string
	StatusLine, Code, CheckAt, CertID                           string
	// The verification page.
	PageTitle, Holder, Course, RevokedOn, Explain string
	Status                                        map[certification.Status]string
	// Meaning says in a sentence what each status means to the reader.
	Meaning map[certification.Status]string
	// File starts the PDF's file name.
	File string
}

var vi = labels{
	Title:      "GIẤY CHỨNG NHẬN",
	Certifies:  "Chứng nhận",
	Completed:  "đã hoàn thành khóa bồi dưỡng",
	CourseCode: "Mã khóa học",
	Issued:     "Ngày cấp",
	ValidUntil: "Có giá trị đến hết ngày",
	StatusLine: "Tình trạng",
	Code:       "Mã xác minh",
	CheckAt:    "Kiểm tra tại",
	CertID:     "Số chứng nhận",
	PageTitle:  "Xác minh chứng nhận",
	Holder:     "Người được cấp",
	Course:     "Khóa học",
	RevokedOn:  "Ngày thu hồi",
	Explain:    "Trang này do Trung tâm cung cấp để các cơ sở kiểm tra chứng nhận của cộng tác viên.",
	Status: map[certification.Status]string{
		certification.StatusValid:    "Còn hiệu lực",
		certification.StatusExpiring: "Sắp hết hạn",
		certification.StatusExpired:  "Đã hết hạn",
		certification.StatusRevoked:  "Đã thu hồi",
	},
	Meaning: map[certification.Status]string{
		certification.StatusValid:    "Chứng nhận này đang có hiệu lực.",
		certification.StatusExpiring: "Chứng nhận này vẫn có hiệu lực nhưng sắp hết hạn; người được cấp cần học lại để gia hạn.",
		certification.StatusExpired:  "Chứng nhận này đã hết hạn và không còn giá trị.",
		certification.StatusRevoked:  "Chứng nhận này đã bị Trung tâm thu hồi và không còn giá trị.",
	},
	File: "Chứng nhận",
}

var en = labels{
	Title:      "CERTIFICATE",
	Certifies:  "This certifies that",
	Completed:  "has completed the training course",
	CourseCode: "Course code",
	Issued:     "Issued",
	ValidUntil: "Valid until the end of",
	StatusLine: "Status",
	Code:       "Verification code",
	CheckAt:    "Check at",
	CertID:     "Certificate no.",
	PageTitle:  "Certificate verification",
	Holder:     "Holder",
	Course:     "Course",
	RevokedOn:  "Revoked on",
	Explain:    "The Center provides this page so that establishments can check a collaborator's certificate.",
	Status: map[certification.Status]string{
		certification.StatusValid:    "Valid",
		certification.StatusExpiring: "Expiring soon",
		certification.StatusExpired:  "Expired",
		certification.StatusRevoked:  "Revoked",
	},
	Meaning: map[certification.Status]string{
		certification.StatusValid:    "This certificate is valid.",
		certification.StatusExpiring: "This certificate is still valid but expires soon; its holder needs to renew it.",
		certification.StatusExpired:  "This certificate has expired and is no longer valid.",
		certification.StatusRevoked:  "The Center has revoked this certificate; it is no longer valid.",
	},
	File: "Certificate",
}

// labelsFor is the words in lang: English for "en", Vietnamese otherwise.
func labelsFor(lang string) labels {
	if lang == "en" {
		return en
	}
	return vi
}
