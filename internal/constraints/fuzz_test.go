package constraints

import (
	"bytes"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{sample, "a===1\n", "a===1;python_version<'3'\r\n", "# x\n\n-c y\n", "a==1.*\n", "a===\n", "a @ b\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		if !bytes.Equal(file.Bytes(), data) {
			t.Fatalf("round trip changed the bytes")
		}
		for _, e := range file.Entries {
			if e.Pin != "" && file.Lines[e.Line-1][e.pinStart:e.pinEnd] != e.Pin {
				t.Fatalf("line %d: pin offsets do not select %q", e.Line, e.Pin)
			}
		}
	})
}

func FuzzApply(f *testing.F) {
	f.Add([]byte(sample), []byte(`[{"op":"pin","package":"Django","expect":"3.2.16","version":"3.2.22","reason":"r"}]`))
	f.Add([]byte(sample), []byte(`[{"op":"remove","package":"numpy","marker":"python_version=='3.8'","reason":"r"},{"op":"add","requirement":"x<1","reason":"r"}]`))
	f.Fuzz(func(t *testing.T, data, overrides []byte) {
		file, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		ovs, err := DecodeOverrides("fuzz.json", overrides)
		if err != nil {
			return
		}
		res, err := Apply("fuzz", file, ovs)
		if err != nil {
			return
		}
		if _, err := Parse("patched", res.Data); err != nil {
			t.Fatalf("patched output does not parse: %v\n%q", err, res.Data)
		}
	})
}
