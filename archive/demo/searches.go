package demo

// Search is a search a newcomer can try on the demo archive.
type Search struct {
	Query string // in Mailkeep's search language
	Finds string // what it finds, in a few words
}

// SuggestedSearches are searches that find something in the demo archive,
// the first the most telling. Each shows one side of the search language.
func SuggestedSearches() []Search {
	return []Search{
		{Query: "invoice", Finds: "invoices from the office supplier and the builder, with PDFs attached"},
		{Query: "from:müller invoice", Finds: "the builder Klaus Müller's invoices: umlauts are found with or without the dots"},
		{Query: `"quarterly report"`, Finds: "the finance team's quarterly reports (an exact phrase)"},
		{Query: "議事録", Finds: "meeting minutes written in Japanese"},
		{Query: "filename:csv", Finds: "messages with a spreadsheet (CSV) attached"},
		{Query: "folder:Entwürfe", Finds: "the unfinished drafts in the German folder Entwürfe"},
	}
}
