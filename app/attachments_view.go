package app

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/store"
)

// attachmentsView lists the message's attached files, each with its size and
// Save… and Open buttons. The bytes saved are the attachment decoded, exactly
// as the sender attached it.
func (v *viewer) attachmentsView() fyne.CanvasObject {
	rows := container.NewVBox()
	for i, att := range v.content.Attachments {
		name := widget.NewLabel(attachmentName(att, i))
		name.Truncation = fyne.TextTruncateEllipsis
		size := widget.NewLabel(byteSize(att.Size))
		size.Importance = widget.LowImportance
		save := widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), func() { v.saveAttachment(i) })
		open := widget.NewButtonWithIcon("Open", theme.FileIcon(), func() { v.openAttachment(i) })
		save.Importance, open.Importance = widget.LowImportance, widget.LowImportance
		rows.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.MailAttachmentIcon()),
			container.NewHBox(size, save, open), name))
	}
	title := widget.NewLabelWithStyle(attachmentsTitle(len(v.content.Attachments)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	list := fyne.CanvasObject(rows)
	if len(v.content.Attachments) > 4 {
		// Many files: a scrolled box keeps room for the text.
		s := container.NewVScroll(rows)
		s.SetMinSize(fyne.NewSize(0, 4*rows.Objects[0].MinSize().Height))
		list = s
	}
	return container.NewBorder(title, nil, nil, nil, list)
}

func attachmentsTitle(n int) string {
	if n == 1 {
		return "1 attached file"
	}
	return fmt.Sprintf("%d attached files", n)
}

// attachmentName is the file's name, or one made up from its type when the
// sender gave none.
func attachmentName(att store.AttachmentData, i int) string {
	if name := strings.TrimSpace(att.Filename); name != "" {
		return name
	}
	ext := ""
	switch att.ContentType {
	case "message/rfc822":
		ext = ".eml"
	case "text/plain":
		ext = ".txt"
	case "text/html":
		ext = ".html"
	case "application/pdf":
		ext = ".pdf"
	case "image/png":
		ext = ".png"
	case "image/jpeg":
		ext = ".jpg"
	}
	return fmt.Sprintf("attachment-%d%s", i+1, ext)
}

// attachmentFileName is a safe file name for attachment i.
func (v *viewer) attachmentFileName(i int) string {
	name := attachmentName(v.content.Attachments[i], i)
	// Keep the extension through the cleaning.
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	return safeFileName(stem, "attachment") + safeExt(ext)
}

func safeExt(ext string) string {
	if ext == "" {
		return ""
	}
	clean := safeFileName(strings.TrimPrefix(ext, "."), "")
	if clean == "" || strings.ContainsAny(clean, " .") {
		return ""
	}
	return "." + clean
}

// saveAttachment asks where to save attachment i.
func (v *viewer) saveAttachment(i int) {
	v.saveFile(v.attachmentFileName(i), v.content.Attachments[i].Data)
}

// openAttachment writes attachment i to a temporary file and asks the system
// to open it with the app for its kind.
func (v *viewer) openAttachment(i int) {
	v.openFile(v.attachmentFileName(i), v.content.Attachments[i].Data, attachmentName(v.content.Attachments[i], i))
}
