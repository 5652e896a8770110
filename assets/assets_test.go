package assets

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

func TestIcons(t *testing.T) {
	decode := func(t *testing.T, name string, b []byte) image.Image {
		t.Helper()
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s is not a PNG: %v", name, err)
		}
		return img
	}
	if got := decode(t, AppIcon.Name(), AppIcon.Content()).Bounds().Size(); got != image.Pt(512, 512) {
		t.Errorf("app icon is %v, want 512×512", got)
	}
	seen := map[string]bool{}
	for _, state := range []TrayState{TrayIdle, TrayRunning, TrayAttention} {
		for _, dark := range []bool{false, true} {
			r := TrayIcon(state, dark)
			if seen[r.Name()] || seen[string(r.Content())] {
				t.Errorf("TrayIcon(%v, %v) = %s repeats another state's icon", state, dark, r.Name())
			}
			seen[r.Name()], seen[string(r.Content())] = true, true
			img := decode(t, r.Name(), r.Content())
			if got := img.Bounds().Size(); got != image.Pt(44, 44) {
				t.Errorf("%s is %v, want 44×44", r.Name(), got)
			}
			// The glyph is light for dark panels and dark for light ones:
			// check the lid's middle, which no badge covers.
			_, _, _, a := img.At(22, 10).RGBA()
			r16, g16, b16, _ := img.At(22, 10).RGBA()
			if a == 0 {
				t.Fatalf("%s: the lid is transparent", r.Name())
			}
			lum := (r16 + g16 + b16) / 3 >> 8
			if dark && lum < 200 || !dark && lum > 80 {
				t.Errorf("%s: lid luminance %d does not suit a dark panel = %v", r.Name(), lum, dark)
			}
		}
	}
}
