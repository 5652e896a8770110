package storetest

// The vocabularies planted in generated messages. Each is small, so that a query
// for one of its words hits a known, sizeable subset of a corpus. No word of one
// vocabulary is a prefix of a word of another, or of a filler word, so a search
// that matches prefixes finds the same messages as one that matches whole words.

// Topics are planted in subjects and bodies.
var Topics = []string{"zephyr", "quokka", "marmalade", "saffron", "tundra", "obsidian", "lantern", "walrus"}

// Phrase is planted as a phrase in some bodies; PhraseScrambled, its words in
// another order, in others, so a phrase query and a word query differ.
const (
	Phrase          = "quarterly budget review"
	PhraseScrambled = "review budget quarterly"
)

// Latin1Word is the word written as raw ISO-8859-1 bytes in some subjects (the
// quirk Quirk8bitLatin1Header); it appears nowhere else.
const Latin1Word = "Grüezi"

// intlWords are non-ASCII words by the charsets that can carry them.
var intlWords = map[string][]string{
	"utf-8":        {"Müller", "Straße", "Привет", "отчёт", "請求書", "東京", "Καλημέρα", "Ελλάδα"},
	"iso-8859-1":   {"Müller", "Straße"},
	"windows-1252": {"Müller", "Straße"},
	"koi8-r":       {"Привет", "отчёт"},
	"iso-2022-jp":  {"請求書", "東京"},
}

// IntlWords are all the non-ASCII words any generated message may carry.
var IntlWords = []string{"Müller", "Straße", "Привет", "отчёт", "請求書", "東京", "Καλημέρα", "Ελλάδα"}

// UnknownCharset labels some text parts: a charset no decoder knows. Their
// text is ASCII.
const UnknownCharset = "unknown-8bit"

// Charsets are the character sets generated text parts and headers use.
var Charsets = []string{"utf-8", "iso-8859-1", "windows-1252", "koi8-r", "iso-2022-jp"}

// filler is the text around planted words: never queried, and sharing no prefix
// with a planted word.
var filler = []string{
	"lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit",
	"sed", "eiusmod", "tempor", "incididunt", "labore", "dolore", "magna", "aliqua",
	"enim", "minim", "veniam", "nostrud", "exercitation", "ullamco", "laboris", "nisi",
	"aliquip", "commodo", "consequat", "duis", "aute", "irure", "reprehenderit", "voluptate",
}

// attachmentFiller fills text attachments; none of it is queried, since whether
// attachment contents are indexed is not part of the search language.
var attachmentFiller = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}

// Person is a possible sender or recipient.
type Person struct {
	Name    string // display name, may be non-ASCII; "" for a bare address
	Addr    string
	Charset string // the charset the display name is encoded in when not ASCII
}

// People are the senders and recipients of generated messages.
var People = []Person{
	{"Alice Archer", "alice@example.org", ""},
	{"Bob Baker", "bob.baker@example.net", ""},
	{"Carol Chen", "carol@corp.example", ""},
	{"", "dave@example.com", ""},
	{"Jürgen Müller", "j.mueller@beispiel.de", "iso-8859-1"},
	{"Zoë Straßburger", "zoe@beispiel.de", "utf-8"},
	{"Иван Петров", "ivan@example.ru", "koi8-r"},
	{"山田太郎", "yamada@example.jp", "iso-2022-jp"},
	{"Δημήτρης Παππάς", "dimitris@example.gr", "utf-8"},
	{"François Lefèvre", "francois@exemple.fr", "windows-1252"},
	{"Help Desk", "helpdesk@corp.example", ""},
	{"Erin O'Neil", "erin.oneil@example.org", ""},
}

// attachment names by the charsets able to carry them (ASCII names suit all).
var attachmentNames = []struct {
	name    string
	charset string // "" when ASCII
	ctype   string
}{
	{"report.pdf", "", "application/pdf"},
	{"forecast-2019.xlsx", "", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"photo.jpg", "", "image/jpeg"},
	{"notes.txt", "", "text/plain"},
	{"data.csv", "", "text/csv"},
	{"Übersicht März.pdf", "iso-8859-1", "application/pdf"},
	{"отчёт за квартал.docx", "utf-8", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"請求書.pdf", "utf-8", "application/pdf"},
	{"Ελληνικά έγγραφα.txt", "utf-8", "text/plain"},
	{"façade plan.png", "windows-1252", "image/png"},
}
