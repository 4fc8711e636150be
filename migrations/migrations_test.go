package migrations

import (
	"io/fs"
	"slices"
	"testing"
)

func names(t *testing.T, dialect string) []string {
	t.Helper()
	fsys, err := FS(dialect)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	err = fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// Both dialects must carry the same migrations under the same names.
func TestDialectsHaveTheSameMigrations(t *testing.T) {
	lite, pg := names(t, DialectSQLite), names(t, DialectPostgres)
	if len(lite) == 0 {
		t.Fatal("no sqlite migrations embedded")
	}
	if !slices.Equal(lite, pg) {
		t.Fatalf("sqlite migrations %v differ from postgres migrations %v", lite, pg)
	}
	for _, d := range []string{DialectSQLite, DialectPostgres} {
		ms, err := For(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms.Sorted() {
			if m.Up == nil || m.Down == nil {
				t.Errorf("%s migration %s lacks an up or a down file", d, m.Name)
			}
		}
	}
}

func TestUnknownDialect(t *testing.T) {
	if _, err := For("mysql"); err == nil {
		t.Fatal("want an error for an unknown dialect")
	}
}
