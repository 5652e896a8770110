//go:build ignore

// gen draws Mailkeep's icons: the app icon (an envelope going into an archive
// box, on a blue tile) and the tray icons (the box alone, in three states,
// each for light and for dark panels). Run it with `go generate ./assets`;
// the PNGs it writes are committed.
//
// Shapes are signed distance functions in a design grid (512 units for the
// app icon, 22 for the tray), rendered with 8×8 samples a pixel, so edges
// are anti-aliased without a vector library.
package main

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
)

// shape is a signed distance: negative inside, positive outside (design units).
type shape func(x, y float64) float64

func roundRect(x0, y0, x1, y1, r float64) shape {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hw, hh := (x1-x0)/2-r, (y1-y0)/2-r
	return func(x, y float64) float64 {
		dx := math.Abs(x-cx) - hw
		dy := math.Abs(y-cy) - hh
		out := math.Hypot(math.Max(dx, 0), math.Max(dy, 0))
		return out + math.Min(math.Max(dx, dy), 0) - r
	}
}

func circle(cx, cy, r float64) shape {
	return func(x, y float64) float64 { return math.Hypot(x-cx, y-cy) - r }
}

// stroke is a line from (ax,ay) to (bx,by) with round caps, w wide.
func stroke(ax, ay, bx, by, w float64) shape {
	return func(x, y float64) float64 {
		px, py := x-ax, y-ay
		dx, dy := bx-ax, by-ay
		t := math.Max(0, math.Min(1, (px*dx+py*dy)/(dx*dx+dy*dy)))
		return math.Hypot(px-t*dx, py-t*dy) - w/2
	}
}

// polyline is strokes through the points.
func polyline(w float64, pts ...float64) shape {
	var parts []shape
	for i := 0; i+3 < len(pts); i += 2 {
		parts = append(parts, stroke(pts[i], pts[i+1], pts[i+2], pts[i+3], w))
	}
	return union(parts...)
}

func union(ss ...shape) shape {
	return func(x, y float64) float64 {
		d := math.Inf(1)
		for _, s := range ss {
			d = math.Min(d, s(x, y))
		}
		return d
	}
}

func minus(a shape, bs ...shape) shape {
	return func(x, y float64) float64 {
		d := a(x, y)
		for _, b := range bs {
			d = math.Max(d, -b(x, y))
		}
		return d
	}
}

// paint gives the colour of a layer at a point (for gradients).
type paint func(x, y float64) color.NRGBA

func solid(c color.NRGBA) paint { return func(float64, float64) color.NRGBA { return c } }

func vertical(top, bottom color.NRGBA, y0, y1 float64) paint {
	return func(_, y float64) color.NRGBA {
		t := math.Max(0, math.Min(1, (y-y0)/(y1-y0)))
		mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + t*(float64(b)-float64(a)))) }
		return color.NRGBA{mix(top.R, bottom.R), mix(top.G, bottom.G), mix(top.B, bottom.B), mix(top.A, bottom.A)}
	}
}

type layer struct {
	shape shape
	paint paint
}

// render draws the layers, back to front, in a grid×grid design space onto
// a px×px image.
func render(px int, grid float64, layers []layer) *image.NRGBA {
	const ss = 8
	img := image.NewNRGBA(image.Rect(0, 0, px, px))
	scale := grid / float64(px)
	for py := 0; py < px; py++ {
		for pxx := 0; pxx < px; pxx++ {
			var r, g, b, a float64 // premultiplied
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(pxx) + (float64(sx)+0.5)/ss) * scale
					y := (float64(py) + (float64(sy)+0.5)/ss) * scale
					var sr, sg, sb, sa float64
					for _, l := range layers {
						if l.shape(x, y) > 0 {
							continue
						}
						c := l.paint(x, y)
						ca := float64(c.A) / 255
						sr = float64(c.R)/255*ca + sr*(1-ca)
						sg = float64(c.G)/255*ca + sg*(1-ca)
						sb = float64(c.B)/255*ca + sb*(1-ca)
						sa = ca + sa*(1-ca)
					}
					r, g, b, a = r+sr, g+sg, b+sb, a+sa
				}
			}
			n := float64(ss * ss)
			r, g, b, a = r/n, g/n, b/n, a/n
			if a == 0 {
				continue
			}
			img.SetNRGBA(pxx, py, color.NRGBA{
				R: uint8(math.Round(r / a * 255)), G: uint8(math.Round(g / a * 255)),
				B: uint8(math.Round(b / a * 255)), A: uint8(math.Round(a * 255)),
			})
		}
	}
	return img
}

var (
	blueTop    = color.NRGBA{0x4C, 0x8D, 0xF6, 0xFF}
	blueBottom = color.NRGBA{0x1F, 0x4F, 0xC8, 0xFF}
	blueDeep   = color.NRGBA{0x1E, 0x45, 0xA8, 0xFF}
	white      = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	paper      = color.NRGBA{0xF4, 0xF7, 0xFD, 0xFF}
	boxBody    = color.NRGBA{0xE3, 0xEB, 0xFA, 0xFF}
	shadow     = color.NRGBA{0x0B, 0x25, 0x6B, 0x55}
	running    = color.NRGBA{0x2F, 0x80, 0xED, 0xFF}
	attention  = color.NRGBA{0xE8, 0x59, 0x1A, 0xFF}
	onDark     = color.NRGBA{0xF2, 0xF2, 0xF2, 0xFF} // glyph for dark panels
	onLight    = color.NRGBA{0x2B, 0x2B, 0x2B, 0xFF} // glyph for light panels
)

// appIcon is the 512-unit app icon: a blue tile, an envelope dropping into
// an archive box.
func appIcon() []layer {
	tile := roundRect(32, 32, 480, 480, 100)
	envelope := roundRect(170, 96, 342, 214, 14)
	flap := polyline(14, 182, 110, 256, 166, 330, 110)
	lid := roundRect(104, 196, 408, 262, 22)
	body := roundRect(128, 250, 384, 414, 26)
	handle := roundRect(212, 290, 300, 318, 14)
	return []layer{
		{tile, vertical(blueTop, blueBottom, 32, 480)},
		// soft shadows under the box and the lid
		{roundRect(134, 268, 390, 428, 28), solid(shadow)},
		{envelope, solid(paper)},
		{flap, solid(blueDeep)},
		{body, solid(boxBody)},
		{roundRect(110, 204, 414, 272, 22), solid(shadow)},
		{lid, solid(white)},
		{handle, solid(blueDeep)},
	}
}

// trayState draws the 22-unit tray glyph in fg, with a badge for a state.
func trayIcon(fg color.NRGBA, state string) []layer {
	lid := roundRect(1, 3, 21, 8, 1.4)
	body := roundRect(3, 9, 19, 19, 1.6)
	slot := roundRect(8, 11, 14, 13, 1)
	box := minus(union(lid, body), slot)
	if state == "idle" {
		return []layer{{box, solid(fg)}}
	}
	// The badge sits bottom right; the box is cut around it so it reads on
	// any panel.
	bx, by, br := 17.5, 17.5, 4.3
	box = minus(box, circle(bx, by, br+1))
	badge := circle(bx, by, br)
	var mark shape
	c := running
	switch state {
	case "running": // a down arrow: mail coming in
		mark = union(stroke(bx, by-2.6, bx, by+1.9, 1.5), polyline(1.5, bx-2.1, by-0.1, bx, by+2.1, bx+2.1, by-0.1))
	case "attention": // an exclamation mark
		c = attention
		mark = union(stroke(bx, by-2.5, bx, by+0.5, 1.7), circle(bx, by+2.5, 0.95))
	}
	return []layer{{box, solid(fg)}, {badge, solid(c)}, {mark, solid(white)}}
}

func write(dir, name string, img image.Image) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	dir := flag.String("out", ".", "folder to write the PNGs to")
	flag.Parse()
	write(*dir, "icon.png", render(512, 512, appIcon()))
	// Tray icons: 44 px, so a panel showing them at 22 px halves them
	// exactly (lines in the design stay on whole pixels).
	for _, state := range []string{"idle", "running", "attention"} {
		write(*dir, "tray-"+state+"-dark-panel.png", render(44, 22, trayIcon(onDark, state)))
		write(*dir, "tray-"+state+"-light-panel.png", render(44, 22, trayIcon(onLight, state)))
	}
}
