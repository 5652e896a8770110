// Package assets holds Mailkeep's icons, embedded in the program: the app
// icon (for the window, the desktop entry and packaging) and the tray icons,
// one per state of the tray, each for dark and for light panels.
//
// The PNGs are drawn by gen/main.go; after changing it, run
//
//	go generate ./assets
//
// and commit the PNGs it writes.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:generate go run gen/main.go

//go:embed icon.png
var iconPNG []byte

// AppIcon is Mailkeep's icon (512×512): an envelope going into an archive box.
var AppIcon = fyne.NewStaticResource("mailkeep.png", iconPNG)

// TrayState is what the tray icon shows.
type TrayState int

const (
	TrayIdle      TrayState = iota // nothing to do or to see
	TrayRunning                    // a mailbox is being archived
	TrayAttention                  // a run failed, or a secret expires soon
)

func (s TrayState) String() string {
	switch s {
	case TrayRunning:
		return "running"
	case TrayAttention:
		return "attention"
	default:
		return "idle"
	}
}

var (
	//go:embed tray-idle-dark-panel.png
	trayIdleDark []byte
	//go:embed tray-idle-light-panel.png
	trayIdleLight []byte
	//go:embed tray-running-dark-panel.png
	trayRunningDark []byte
	//go:embed tray-running-light-panel.png
	trayRunningLight []byte
	//go:embed tray-attention-dark-panel.png
	trayAttentionDark []byte
	//go:embed tray-attention-light-panel.png
	trayAttentionLight []byte
)

// TrayIcon is the tray icon (44×44, drawn for 22 px panels at twice the
// size) for state: a light glyph when darkPanel, else a dark one.
func TrayIcon(state TrayState, darkPanel bool) fyne.Resource {
	panel, content := "light-panel", trayIdleLight
	switch {
	case state == TrayRunning && darkPanel:
		content = trayRunningDark
	case state == TrayRunning:
		content = trayRunningLight
	case state == TrayAttention && darkPanel:
		content = trayAttentionDark
	case state == TrayAttention:
		content = trayAttentionLight
	case darkPanel:
		content = trayIdleDark
	}
	if darkPanel {
		panel = "dark-panel"
	}
	return fyne.NewStaticResource("tray-"+state.String()+"-"+panel+".png", content)
}
