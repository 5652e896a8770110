package demo

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
)

// pdf is a small, valid one-page PDF document: a letterhead, a title and two
// lines, as an invoice from a small firm looks to a viewer.
func pdf(issuer, title, line, amount string) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 18 Tf 72 760 Td (" + pdfText(issuer) + ") Tj ET\n")
	content.WriteString("BT /F1 14 Tf 72 720 Td (" + pdfText(title) + ") Tj ET\n")
	content.WriteString("BT /F1 11 Tf 72 690 Td (" + pdfText(line) + ") Tj ET\n")
	content.WriteString("BT /F1 11 Tf 72 670 Td (Total: " + pdfText(amount) + ") Tj ET\n")

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pdfText escapes s for a PDF string in WinAnsiEncoding: Latin-1 letters
// (ü, ß) as octal escapes, anything else outside it as "?".
func pdfText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x80:
			b.WriteRune(r)
		case r == '–':
			b.WriteString(`\226`)
		case r < 0x100:
			fmt.Fprintf(&b, `\%03o`, r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// figuresCSV is a quarter's figures per month, as finance exports them.
func figuresCSV(r *rand.Rand, q, year int) []byte {
	var b bytes.Buffer
	b.WriteString("month,revenue_eur,costs_eur,new_customers\r\n")
	for m := 3*q - 2; m <= 3*q; m++ {
		rev := 80000 + r.IntN(40000)
		fmt.Fprintf(&b, "%d-%02d,%d,%d,%d\r\n", year, m, rev, rev*6/10+r.IntN(10000), r.IntN(12))
	}
	return b.Bytes()
}

// measurementsCSV is a builder's measurements of the office floor (German
// headings, decimal commas, semicolons, as a German spreadsheet writes them).
func measurementsCSV(r *rand.Rand) []byte {
	var b bytes.Buffer
	b.WriteString("Raum;Länge (m);Breite (m);Fläche (m²)\r\n")
	for _, room := range []string{"Empfang", "Büro 1", "Büro 2", "Besprechung", "Küche", "Flur"} {
		l, w := 300+r.IntN(600), 250+r.IntN(400)
		fmt.Fprintf(&b, "%s;%d,%02d;%d,%02d;%d,%02d\r\n", room, l/100, l%100, w/100, w%100, l*w/10000, (l*w/100)%100)
	}
	return b.Bytes()
}
