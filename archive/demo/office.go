package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The office whose mail the demo mailbox holds: Büro Beispiel GmbH, a small
// firm at example.com, its shared mailbox office@example.com, and the people
// who write to it from example.org.
var (
	officeBox = person{"Büro Beispiel", "office@example.com"}

	anna   = person{"Anna Schmidt", "anna.schmidt@example.com"}
	jonas  = person{"Jonas Müller", "jonas.mueller@example.com"}
	petra  = person{"Petra Weiß", "petra.weiss@example.com"}
	lukas  = person{"Lukas Becker", "lukas.becker@example.com"}
	sophie = person{"Sophie Wagner", "sophie.wagner@example.com"}
	tom    = person{"Tom Baker", "tom.baker@example.com"}

	klaus   = person{"Klaus Müller", "klaus.mueller@example.org"}
	acme    = person{"Acme Office Supplies", "billing@example.org"}
	yuki    = person{"田中 由紀", "yuki.tanaka@example.org"}
	news    = person{"Example.org News", "news@example.org"}
	maria   = person{"María García", "maria.garcia@example.org"}
	parcels = person{"Parcel Service", "noreply@example.org"}
)

// staff are the office's people.
func staff() []person { return []person{anna, jonas, petra, lukas, sophie, tom} }

// topic marks what a message is about, for the searches that find it.
type topic uint

const (
	topicInvoice    topic = 1 << iota // an invoice: the only messages with the word
	topicQuarterly                    // a quarterly report, with its figures as CSV
	topicMueller                      // the Müller Bau renovation project
	topicMinutes                      // meeting minutes in Japanese (議事録)
	topicMeeting                      // a team meeting invitation, in HTML
	topicNewsletter                   // a newsletter, HTML only
)

// kind is a sort of message the office gets, sends or drafts.
type kind int

const (
	kindInvoice        kind = iota // Acme's invoice, PDF attached
	kindQuarterly                  // finance's quarterly report, CSV attached
	kindMuellerIn                  // Klaus Müller about the renovation (German)
	kindMuellerInvoice             // Müller Bau's invoice for a phase, PDF attached
	kindMuellerOut                 // the office's answer to Klaus Müller
	kindMuellerNote                // Jonas Müller's internal note on the project
	kindMinutes                    // Yuki Tanaka's minutes, in Japanese
	kindMinutesThanks              // the office thanks Yuki for the minutes
	kindMeeting                    // a team meeting invitation, text and HTML
	kindNewsletter                 // a newsletter, HTML only
	kindOfficeIn                   // everyday office mail to the shared mailbox
	kindOfficeOut                  // everyday mail the office sends
	kindDraft                      // an unfinished circular, German
)

// writer makes messages of each kind; it holds the random source and the
// running numbers (invoice numbers) of one generation.
type writer struct {
	r        *rand.Rand
	invoices int // invoices written so far (their running number)
	phases   int // phases of the renovation the builder has invoiced
}

func (w *writer) pick(s []string) string { return s[w.r.IntN(len(s))] }

func (w *writer) somebody() person {
	s := staff()
	return s[w.r.IntN(len(s))]
}

func signature(p person) string {
	return "\n\n-- \n" + p.name + "\nBüro Beispiel GmbH · Musterstraße 1 · 12345 Beispielstadt"
}

// write makes a message of kind k dated date.
func (w *writer) write(k kind, date time.Time) (draft, topic) {
	switch k {
	case kindInvoice:
		w.invoices++
		no := fmt.Sprintf("AC-%s-%03d", date.Format("0601"), w.invoices)
		amount := fmt.Sprintf("%d.%02d", 40+w.r.IntN(900), w.r.IntN(100))
		items := w.pick([]string{"printer paper and toner", "two office chairs", "coffee, tea and milk", "whiteboard markers and folders", "a new label printer", "envelopes and stamps"})
		return draft{
			from: acme, to: []person{officeBox}, cc: []person{petra},
			subject: "Invoice " + no + " from Acme Office Supplies",
			text:    fmt.Sprintf("Dear office team,\n\nplease find attached invoice %s for %s.\nAmount due: %s EUR, payable within 30 days to the account on the invoice.\n\nThank you for your order.\n\nKind regards\nAcme Office Supplies, Accounts", no, items, amount),
			attachments: []attachment{{name: "invoice-" + no + ".pdf", contentType: "application/pdf",
				data: pdf("Acme Office Supplies", "Invoice "+no, items, amount+" EUR")}},
		}, topicInvoice
	case kindQuarterly:
		q, year := previousQuarter(date)
		return draft{
			from: petra, to: []person{officeBox}, cc: []person{anna},
			subject: fmt.Sprintf("Quarterly report Q%d %d", q, year),
			text: fmt.Sprintf("Hello everyone,\n\nhere is the quarterly report for Q%d %d. Revenue is %s on the quarter before; the figures per month are in the attached CSV file.\n\nPlease send me your questions by Friday.", q, year,
				w.pick([]string{"up 4%", "up 11%", "flat", "down 2%", "up 7%"})) + signature(petra),
			attachments: []attachment{{name: fmt.Sprintf("q%d-%d-figures.csv", q, year), contentType: "text/csv", data: figuresCSV(w.r, q, year)}},
		}, topicQuarterly
	case kindMuellerIn:
		subject, text := w.muellerLetter()
		d := draft{from: klaus, to: []person{officeBox}, cc: []person{jonas}, subject: subject,
			text: "Sehr geehrte Damen und Herren,\n\n" + text + "\n\nMit freundlichen Grüßen\nKlaus Müller\nMüller Bau GmbH"}
		if w.r.IntN(5) == 0 {
			d.attachments = []attachment{{name: "Aufmaß-Büroetage.csv", contentType: "text/csv", data: measurementsCSV(w.r)}}
		}
		return d, topicMueller
	case kindMuellerInvoice:
		w.invoices++
		w.phases++
		phase := w.phases
		no := fmt.Sprintf("MB-%s-%03d", date.Format("2006"), w.invoices)
		amount := fmt.Sprintf("%d.%03d,00", 4+w.r.IntN(20), w.r.IntN(1000))
		return draft{
			from: klaus, to: []person{officeBox}, cc: []person{petra},
			subject: fmt.Sprintf("Rechnung / Invoice %s – Bauabschnitt %d", no, phase),
			text:    fmt.Sprintf("Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie unsere Rechnung (invoice) Nr. %s für Bauabschnitt %d der Renovierung Ihrer Büroetage über %s EUR.\nZahlbar innerhalb von 14 Tagen ohne Abzug.\n\nMit freundlichen Grüßen\nKlaus Müller\nMüller Bau GmbH", no, phase, amount),
			attachments: []attachment{{name: "Rechnung-" + no + ".pdf", contentType: "application/pdf",
				data: pdf("Müller Bau GmbH", "Rechnung "+no, fmt.Sprintf("Bauabschnitt %d", phase), amount+" EUR")}},
		}, topicInvoice | topicMueller
	case kindMuellerOut:
		subject, _ := w.muellerLetter()
		from := w.pick([]string{"Anna Schmidt", "Jonas Müller"})
		return draft{
			from: officeBox, to: []person{klaus}, cc: []person{jonas},
			subject: "AW: " + subject,
			text: "Sehr geehrter Herr Müller,\n\n" + w.pick([]string{
				"vielen Dank für Ihre Nachricht. Der Termin passt uns gut; wir erwarten Sie um 9 Uhr am Empfang.",
				"danke für die Unterlagen. Wir sehen sie uns bis Donnerstag an und melden uns dann.",
				"die Änderungen sind so in Ordnung. Bitte denken Sie an die Schlüsselübergabe am Freitag.",
				"leider müssen wir den Termin verschieben. Würde Ihnen der Mittwoch der Folgewoche passen?",
			}) + "\n\nMit freundlichen Grüßen\n" + from + "\nBüro Beispiel GmbH",
		}, topicMueller
	case kindMuellerNote:
		return draft{
			from: jonas, to: []person{officeBox},
			subject: "Renovierung: " + w.pick([]string{"Stand der Arbeiten", "Umzug in die Ausweichräume", "Lärm am Vormittag", "Zugang zur Küche", "neue Schreibtische"}),
			text: "Hallo zusammen,\n\n" + w.pick([]string{
				"kurzer Stand zur Renovierung: die Trockenbauer sind fertig, nächste Woche kommen die Elektriker.",
				"ab Montag arbeiten wir für zwei Wochen im Besprechungsraum im Erdgeschoss. Bitte nehmt eure Unterlagen mit.",
				"Herr Müller hat angekündigt, dass vormittags gebohrt wird. Wer telefonieren muss, geht bitte in den kleinen Raum.",
				"die Küche bleibt bis Mittwoch gesperrt. Kaffee gibt es solange am Empfang.",
			}) + signature(jonas),
		}, topicMueller
	case kindMinutes:
		return draft{
			from: yuki, to: []person{officeBox}, cc: []person{tom},
			subject: fmt.Sprintf("会議の議事録（%d月%d日）", int(date.Month()), date.Day()),
			text: fmt.Sprintf("皆様\n\nお疲れ様です。田中です。\n%d月%d日の会議の議事録をお送りします。\n\n1. %s\n2. %s\n3. その他\n\nご確認のほど、よろしくお願いいたします。\n\n田中 由紀", int(date.Month()), date.Day(),
				w.pick([]string{"新製品の発売日について", "来期の予算について", "展示会の準備について"}),
				w.pick([]string{"納期の確認", "見積もりの修正", "次回の打ち合わせ日程"})),
		}, topicMinutes
	case kindMinutesThanks:
		return draft{
			from: officeBox, to: []person{yuki}, cc: []person{tom},
			subject: "Thank you for the minutes",
			text:    "Dear Ms Tanaka,\n\nthank you for sending the minutes so quickly. We have shared them with the team and will come back to you on the open points next week.\n\nBest regards\nTom Baker\nBüro Beispiel GmbH",
		}, 0
	case kindMeeting:
		from := w.somebody()
		day := w.pick([]string{"Monday", "Tuesday", "Wednesday", "Thursday"})
		topics := []string{w.pick([]string{"Holiday planning", "New coffee machine", "Office move next spring", "Customer feedback"}),
			w.pick([]string{"Training budget", "Christmas party", "Parking spaces", "Shared calendar"})}
		text := fmt.Sprintf("Hi all,\n\nour team meeting is on %s at 10:00 in the big meeting room.\n\nAgenda:\n- %s\n- %s\n- Any other business\n\nSee you there,\n%s", day, topics[0], topics[1], from.name)
		html := fmt.Sprintf("<html><body><p>Hi all,</p><p>our <b>team meeting</b> is on %s at 10:00 in the big meeting room.</p><p>Agenda:</p><ul><li>%s</li><li>%s</li><li>Any other business</li></ul><p>See you there,<br>%s</p></body></html>", day, topics[0], topics[1], htmlEscape(from.name))
		return draft{from: from, to: []person{officeBox}, subject: "Team meeting on " + day, text: text, html: html}, topicMeeting
	case kindNewsletter:
		month := date.Format("January 2006")
		story := w.pick([]string{"Five tips for a tidy desk", "How to write shorter e-mails", "Our favourite keyboard shortcuts", "Spring cleaning for your files"})
		html := fmt.Sprintf("<html><head><title>Example.org News</title></head><body><h1>Example.org News – %s</h1><h2>%s</h2><p>Small habits make office days easier. This month we collected ideas from our readers.</p><p><a href=\"https://example.org/news\">Read more on our website</a></p><p style=\"color:#888\">You receive this newsletter because you subscribed at example.org.</p></body></html>", month, story)
		return draft{from: news, to: []person{officeBox}, subject: "Example.org News – " + month + ": " + story, html: html, htmlOnly: true}, topicNewsletter
	case kindOfficeIn:
		return w.officeIn(), 0
	case kindOfficeOut:
		return w.officeOut(), 0
	case kindDraft:
		subject, text := w.circular()
		return draft{from: officeBox, to: staff(), subject: subject, text: text + signature(anna)}, 0
	}
	panic(fmt.Sprintf("demo: unknown kind %d", k))
}

func (w *writer) muellerLetter() (subject, text string) {
	letters := [][2]string{
		{"Angebot Umbau Büroetage", "wie besprochen erhalten Sie unser Angebot für den Umbau Ihrer Büroetage. Die Arbeiten würden etwa sechs Wochen dauern."},
		{"Terminabsprache Baustelle", "für die Begehung der Baustelle schlagen wir Dienstag um 9 Uhr vor. Bitte bestätigen Sie kurz, ob das passt."},
		{"Rückfrage zu den Grundrissen", "in den Grundrissen fehlt die Wand zwischen Küche und Flur. Soll sie bleiben oder entfernt werden?"},
		{"Änderungswünsche Küche", "die gewünschten Änderungen an der Küche sind möglich. Die Mehrkosten schätzen wir auf einen kleinen dreistelligen Betrag."},
		{"Protokoll Baubesprechung", "anbei das Protokoll der Baubesprechung. Die nächsten Schritte sind Elektrik, Böden und Malerarbeiten."},
		{"Lieferung Fenster verzögert sich", "leider verzögert sich die Lieferung der Fenster um eine Woche. Der Zeitplan für die übrigen Gewerke bleibt gleich."},
		{"Schlüsselübergabe", "für die Arbeiten am Wochenende benötigen wir einen Schlüssel für den Hintereingang. Wer kann ihn übergeben?"},
	}
	l := letters[w.r.IntN(len(letters))]
	return l[0], l[1]
}

func (w *writer) officeIn() draft {
	from := w.somebody()
	notes := []struct {
		from          *person // nil: one of the staff
		de            bool    // written in German
		subject, text string
	}{
		{&lukas, false, "Printer on the second floor", "the printer on the second floor is out of toner again. A new cartridge is ordered; until it arrives please print in the copy room."},
		{&lukas, false, "Software updates tonight", "tonight from 20:00 the computers install updates and restart. Please save your work and leave them switched on."},
		{&lukas, false, "New Wi-Fi for guests", "guests now use the network \"Beispiel-Gast\". The access code is at the reception desk and changes every month."},
		{nil, true, "Urlaubsantrag", "ich möchte im nächsten Monat eine Woche Urlaub nehmen. Die Vertretung ist abgesprochen. Bitte kurz im Kalender eintragen."},
		{nil, false, "Lunch on Friday?", "a few of us are going to the Italian place around the corner on Friday at 12:30. Who wants to join?"},
		{&sophie, true, "Besprechungsraum am Donnerstag belegt", "der große Besprechungsraum ist am Donnerstag ganztägig für eine Schulung gebucht. Bitte weicht in den kleinen Raum aus."},
		{&sophie, false, "Coffee machine descaling", "the coffee machine will be descaled tomorrow morning. Until 10:00 there is only tea, sorry!"},
		{&anna, false, "Reminder: timesheets due on Friday", "please enter your hours for this month by Friday so that payroll can run on time."},
		{&anna, false, "Fire drill next week", "there will be a fire drill next week. When the alarm sounds, please leave by the stairs and meet in front of the bakery."},
		{&tom, false, "Visitors from Japan next month", "a delegation of our partner in Osaka visits us next month. I will share the programme soon; please keep the Tuesday free."},
		{&parcels, false, "Your parcel has arrived at reception", "a parcel for Büro Beispiel GmbH was delivered today and signed for at reception."},
		{&maria, false, "Samples of the new notebooks", "as promised I am sending you samples of our new recycled notebooks. Let me know which size you prefer."},
		{nil, true, "Straßensperrung vor dem Büro", "ab Montag ist die Musterstraße wegen Bauarbeiten gesperrt. Der Parkplatz ist nur über die Rückseite erreichbar."},
		{nil, false, "Welcome to the team", "please welcome our new colleague, who starts in accounting on Monday. Say hello at the coffee machine!"},
	}
	n := notes[w.r.IntN(len(notes))]
	if n.from != nil {
		from = *n.from
	}
	greeting := "Hello everyone,\n\n"
	if n.de {
		greeting = "Hallo zusammen,\n\n"
	}
	text := greeting + n.text
	if from.addr == parcels.addr || from.addr == maria.addr {
		text += "\n\n" + from.name
	} else {
		text += signature(from)
	}
	return draft{from: from, to: []person{officeBox}, subject: n.subject, text: text}
}

func (w *writer) officeOut() draft {
	outs := []struct {
		to            person
		subject, text string
	}{
		{maria, "Order of recycled notebooks", "Dear Ms García,\n\nthank you for the samples. We would like to order 200 notebooks in A5, lined. Please confirm the delivery date.\n\nBest regards\nSophie Wagner\nBüro Beispiel GmbH"},
		{lukas, "Re: Printer on the second floor", "Hi Lukas,\n\nthanks for ordering. The copy room printer works fine in the meantime.\n\nSophie"},
		{anna, "Room booking for the training", "Hi Anna,\n\nI booked the big meeting room for the training on Thursday, 9:00 to 16:00, including lunch for twelve.\n\nSophie"},
		{tom, "Programme for the visitors", "Hi Tom,\n\nthe hotel for our visitors is booked, three rooms for three nights. Dinner on Tuesday is reserved at 19:00.\n\nSophie"},
		{parcels, "Pick-up request", "Hello,\n\nplease collect two parcels at Musterstraße 1 on Wednesday afternoon.\n\nThank you\nBüro Beispiel GmbH"},
		{petra, "Kontoauszüge für die Buchhaltung", "Hallo Petra,\n\ndie Kontoauszüge des letzten Monats liegen in deinem Fach.\n\nViele Grüße\nSophie"},
		{jonas, "Übergabe Empfang", "Hallo Jonas,\n\nkannst du morgen von 12 bis 13 Uhr den Empfang übernehmen? Ich habe einen Arzttermin.\n\nDanke und viele Grüße\nSophie"},
	}
	o := outs[w.r.IntN(len(outs))]
	return draft{from: officeBox, to: []person{o.to}, subject: o.subject, text: o.text}
}

func (w *writer) circular() (subject, text string) {
	drafts := [][2]string{
		{"Entwurf: Einladung Sommerfest", "Liebe Kolleginnen und Kollegen,\n\nam letzten Freitag im Juni feiern wir unser Sommerfest im Hof. Für Getränke und Grillgut ist gesorgt; Salate und Kuchen sind willkommen.\n\n[Uhrzeit noch klären]"},
		{"Entwurf: Rundschreiben Parkplätze", "Liebe Kolleginnen und Kollegen,\n\nwährend der Bauarbeiten stehen nur vier Parkplätze zur Verfügung. Bitte nutzt nach Möglichkeit Bus und Fahrrad.\n\n[Liste der Berechtigten ergänzen]"},
		{"Entwurf: Weihnachtsfeier", "Liebe Kolleginnen und Kollegen,\n\nunsere Weihnachtsfeier findet dieses Jahr im Gasthaus zur Mühle statt. Bitte gebt bis Ende des Monats Bescheid, ob ihr kommt.\n\n[Menü anhängen]"},
		{"Entwurf: Neue Öffnungszeiten", "Liebe Kolleginnen und Kollegen,\n\nab dem ersten des nächsten Monats ist der Empfang von 8 bis 17 Uhr besetzt, freitags bis 15 Uhr.\n\n[mit Sophie abstimmen]"},
		{"Entwurf: Müll trennen", "Liebe Kolleginnen und Kollegen,\n\nbitte trennt Papier, Verpackungen und Restmüll. Die neuen Behälter stehen in der Küche; die grüne Tonne ist für Bioabfall.\n\n[Foto der Behälter einfügen]"},
	}
	d := drafts[w.r.IntN(len(drafts))]
	return d[0], d[1]
}

// previousQuarter is the quarter before the one date is in: a report sent
// in April is about Q1.
func previousQuarter(date time.Time) (q, year int) {
	q = (int(date.Month())-1)/3 + 1
	year = date.Year()
	q--
	if q == 0 {
		q, year = 4, year-1
	}
	return q, year
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
