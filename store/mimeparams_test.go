package store

import "testing"

func TestMediaParams(t *testing.T) {
	tests := []struct {
		in       string
		typ, key string
		want     string
	}{
		{`attachment; filename="report.pdf"`, "attachment", "filename", "report.pdf"},
		{`attachment; filename*=iso-8859-1''%DCbersicht%20M%E4rz.pdf`, "attachment", "filename", "Übersicht März.pdf"},
		{`attachment; filename*0*=utf-8''%E8%AB%8B%E6; filename*1*=%B1%82%E6%9B%B8.pdf`, "attachment", "filename", "請求書.pdf"},
		{`attachment; filename*1="b.txt"; filename*0="a"`, "attachment", "filename", "ab.txt"},
		{`attachment; filename="=?utf-8?q?fa=C3=A7ade.png?="`, "attachment", "filename", "=?utf-8?q?fa=C3=A7ade.png?="}, // decoded later by decodeWords
		{"attachment; filename=\"M\xfcller.doc\"", "attachment", "filename", "Müller.doc"},
		{`Attachment; junk; filename="x;y.txt"; size=3`, "attachment", "filename", "x;y.txt"},
		{`inline; filename="a \"quoted\" name"`, "inline", "filename", `a "quoted" name`},
		{`attachment; filename*=koi8-r''%F0%D2%C9%D7%C5%D4.txt`, "attachment", "filename", "Привет.txt"},
	}
	for _, tt := range tests {
		typ, params := mediaType(tt.in)
		if typ != tt.typ || params[tt.key] != tt.want {
			t.Errorf("mediaType(%q) = %q, %q=%q; want %q, %q", tt.in, typ, tt.key, params[tt.key], tt.typ, tt.want)
		}
	}
	for in, want := range map[string]string{
		"text":                        "text/plain",
		`"broken`:                     "text/plain",
		"/; boundary":                 "text/plain",
		"":                            "text/plain",
		"Text/HTML; charset=utf-8":    "text/html",
		`text/plain;; charset==;`:     "text/plain",
		"application/pdf; name=x.pdf": "application/pdf",
	} {
		if got, _ := contentType(in); got != want {
			t.Errorf("contentType(%q) = %q, want %q", in, got, want)
		}
	}
}
