// Command trivy-db-fixture writes a small Trivy vulnerability database from YAML fixtures (the
// format of Trivy's own tests: github.com/aquasecurity/bolt-fixtures) and pushes it to a registry
// as the OCI artifact Trivy downloads (`--db-repository HOST/REPO:2`), so that a scan runs its real
// vulnerability gate against known findings on a machine that cannot download Trivy's database.
//
//	trivy-db-fixture -fixture vulns.yaml [-fixture more.yaml] -out DIR [-push 127.0.0.1:5000/trivy-db:2]
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	fixtures "github.com/aquasecurity/bolt-fixtures"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The schema Trivy v0.74 reads, and the media types its DB client asks the registry for.
const (
	schemaVersion   = 2
	dbLayerType     = types.MediaType("application/vnd.aquasec.trivy.db.layer.v1.tar+gzip")
	dbConfigType    = types.MediaType("application/vnd.aquasec.trivy.config.v1+json")
	metadataFile    = "metadata.json"
	databaseFile    = "trivy.db"
	databaseArchive = "db.tar.gz"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var files list
	flag.Var(&files, "fixture", "YAML fixture file (repeatable)")
	out := flag.String("out", "", "folder for trivy.db, metadata.json and db.tar.gz")
	push := flag.String("push", "", "push db.tar.gz to this reference (e.g. 127.0.0.1:5000/trivy-db:2)")
	flag.Parse()
	if len(files) == 0 || *out == "" {
		fail("usage: trivy-db-fixture -fixture FILE.yaml [...] -out DIR [-push REF]")
	}
	if err := run(files, *out, *push); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "trivy-db-fixture: "+msg)
	os.Exit(2)
}

func run(files []string, out, push string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	dbPath := filepath.Join(out, databaseFile)
	_ = os.Remove(dbPath)
	loader, err := fixtures.New(dbPath, files)
	if err != nil {
		return fmt.Errorf("reading the fixtures: %w", err)
	}
	if err := loader.Load(); err != nil {
		return fmt.Errorf("loading the fixtures: %w", err)
	}
	if err := loader.Close(); err != nil {
		return err
	}
	now := time.Now().UTC()
	meta, _ := json.Marshal(map[string]any{"Version": schemaVersion, "NextUpdate": now.Add(365 * 24 * time.Hour), "UpdatedAt": now, "DownloadedAt": time.Time{}})
	if err := os.WriteFile(filepath.Join(out, metadataFile), meta, 0o644); err != nil {
		return err
	}
	archive := filepath.Join(out, databaseArchive)
	if err := pack(archive, out, databaseFile, metadataFile); err != nil {
		return err
	}
	fmt.Println(archive)
	if push == "" {
		return nil
	}
	ref, err := name.ParseReference(push)
	if err != nil {
		return fmt.Errorf("%q is not an image reference: %w", push, err)
	}
	layer, err := tarball.LayerFromFile(archive, tarball.WithMediaType(dbLayerType))
	if err != nil {
		return err
	}
	// Trivy finds the archive in the manifest by its title annotation, as oras pushes it.
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: layer, Annotations: map[string]string{"org.opencontainers.image.title": databaseArchive}})
	if err != nil {
		return err
	}
	img = mutate.ConfigMediaType(mutate.MediaType(img, types.OCIManifestSchema1), dbConfigType)
	if err := remote.Write(ref, img); err != nil {
		return fmt.Errorf("pushing to %s: %w", push, err)
	}
	digest, _ := img.Digest()
	fmt.Printf("%s@%s\n", ref.Context().Name(), digest)
	return nil
}

// pack writes the named files of dir into a gzipped tarball, as Trivy's database archive holds them.
func pack(archive, dir string, names ...string) error {
	f, err := os.Create(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for _, n := range names {
		src, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		info, _ := src.Stat()
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: info.Size(), ModTime: info.ModTime()}); err != nil {
			return err
		}
		if _, err := io.Copy(tw, src); err != nil {
			return err
		}
		src.Close()
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}
