package backup_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/backup"
	"github.com/vibequality/searcharr/core/domain"
)

// BenchmarkCreateAndExtract measures one backup (snapshot, hashing,
// compression) and one checked extraction of a database of 20,000 users
// with 200-byte hashes, about 6 MB.
func BenchmarkCreateAndExtract(b *testing.B) {
	in := newBenchInstallation(b)
	dir := b.TempDir()
	var dbSize int64
	b.ResetTimer()
	for i := range b.N {
		path := filepath.Join(dir, fmt.Sprintf("b%d.tar.gz", i))
		m, err := backup.Create(context.Background(), in.st, backup.CreateOptions{Path: path, Key: in.key, KeyFile: filepath.Join(in.dir, backup.KeyName)})
		if err != nil {
			b.Fatal(err)
		}
		dbSize = m.Files[0].Size
		raw, _ := os.ReadFile(path)
		out := filepath.Join(dir, fmt.Sprintf("x%d", i))
		os.Mkdir(out, 0o700)
		if _, err := backup.Extract(bytes.NewReader(raw), out, backup.Limits{}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(raw)), "archive-bytes")
	}
	b.ReportMetric(float64(dbSize), "db-bytes")
}

func newBenchInstallation(b *testing.B) installation {
	b.Helper()
	in := newInstallationTB(b)
	ctx := context.Background()
	hash := strings.Repeat("h", 200)
	for i := range 20000 {
		if _, err := in.st.Users().Create(ctx, domain.User{Username: fmt.Sprintf("user%05d", i), PasswordHash: hash}); err != nil {
			b.Fatal(err)
		}
	}
	return in
}
