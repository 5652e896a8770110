package apptest

import (
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// Notification is one desktop notification a program sent.
type Notification struct {
	App, Summary, Body string
}

// notificationServer is the desktop's notification daemon: it owns
// org.freedesktop.Notifications on the session bus, as GNOME Shell or
// dunst would, and keeps what it is sent instead of showing it.
type notificationServer struct {
	conn *dbus.Conn

	mu   sync.Mutex
	sent []Notification
	next uint32
}

// startNotifications connects to the desktop's bus and takes the
// notification daemon's name.
func (d *Desktop) startNotifications() {
	d.t.Helper()
	conn, err := dbus.Connect(d.Bus)
	if err != nil {
		d.t.Fatalf("connecting to the desktop's session bus: %v", err)
	}
	s := &notificationServer{conn: conn}
	const path = "/org/freedesktop/Notifications"
	if err := conn.Export(s, path, "org.freedesktop.Notifications"); err != nil {
		conn.Close()
		d.t.Fatalf("exporting the notification server: %v", err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		conn.Close()
		d.t.Fatalf("taking the name org.freedesktop.Notifications on the desktop's bus: %v (reply %v)", err, reply)
	}
	d.notes = s
	d.t.Cleanup(func() { conn.Close() })
}

// Notify is the daemon's method that programs call (the Desktop
// Notifications Specification, version 1.2).
func (s *notificationServer) Notify(app string, replaces uint32, icon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, Notification{App: app, Summary: summary, Body: body})
	if replaces != 0 {
		return replaces, nil
	}
	s.next++
	return s.next, nil
}

// GetCapabilities, GetServerInformation and CloseNotification complete the
// daemon's interface.
func (s *notificationServer) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"body"}, nil
}

func (s *notificationServer) GetServerInformation() (name, vendor, version, spec string, err *dbus.Error) {
	return "apptest", "Mailkeep", "1", "1.2", nil
}

func (s *notificationServer) CloseNotification(id uint32) *dbus.Error { return nil }

// Notifications are the notifications sent on the desktop so far.
func (d *Desktop) Notifications() []Notification {
	d.notes.mu.Lock()
	defer d.notes.mu.Unlock()
	return append([]Notification(nil), d.notes.sent...)
}

// WaitNotification waits up to a minute for a notification that ok accepts
// and returns it; the test fails, listing those sent, when none comes.
func (d *Desktop) WaitNotification(t testing.TB, what string, ok func(Notification) bool) Notification {
	t.Helper()
	var found Notification
	if !WaitUntil(time.Minute, func() bool {
		for _, n := range d.Notifications() {
			if ok(n) {
				found = n
				return true
			}
		}
		return false
	}) {
		t.Fatalf("no notification %s within a minute; sent: %+v", what, d.Notifications())
	}
	return found
}
