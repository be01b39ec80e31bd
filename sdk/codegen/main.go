// Command codegen writes the SDKs of the native provider pulumi-resource-mailtrap from its package
// schema, with the generators `pulumi package gen-sdk` runs inside each language host (the same
// bind options, the same tool names), without needing those hosts.
//
//	go run . -schema schema.json -out ../ -languages python,nodejs,go
//
// writes <out>/python, <out>/nodejs and <out>/go, each emptied first. The package has no dependencies on other
// packages, so the reference loader refuses every load.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	tsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noDependencies is the reference loader: the schema references no other package.
type noDependencies struct{}

var errNoDependencies = errors.New("the mailtrap schema references no other package")

func (noDependencies) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoDependencies
}

func (noDependencies) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoDependencies
}

func (noDependencies) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoDependencies
}

func (noDependencies) LoadPackageReferenceV2(context.Context, *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errNoDependencies
}

// bind reads and binds the schema afresh for each language: a generator records its language
// settings in the package it is given.
func bind(file string) (*schema.Package, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noDependencies{}, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("the schema does not bind: %s", diags.Error())
	}
	for _, d := range diags {
		fmt.Fprintf(os.Stderr, "codegen: schema warning: %s\n", d.Error())
	}
	return pkg, nil
}

func generate(language, schemaFile string) (map[string][]byte, error) {
	pkg, err := bind(schemaFile)
	if err != nil {
		return nil, err
	}
	switch language {
	case "python":
		return pygen.GeneratePackage("pulumi-language-python", pkg, nil, noDependencies{})
	case "nodejs":
		// As `pulumi package gen-sdk --language nodejs` without --local: a package to build with tsc
		// (typescript a dev dependency, no postinstall script), no local dependencies.
		return tsgen.GeneratePackage("pulumi-language-nodejs", pkg, nil, nil, false, noDependencies{})
	case "go":
		return gogen.GeneratePackage("pulumi-language-go", pkg, nil)
	default:
		return nil, fmt.Errorf("no generator for %q (python, nodejs, go)", language)
	}
}

func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		target := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	schemaFile := flag.String("schema", "", "the package schema (JSON)")
	out := flag.String("out", "", "the folder that receives one subfolder per language")
	languages := flag.String("languages", "python", "comma-separated: python, nodejs, go")
	flag.Parse()
	if *schemaFile == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: codegen -schema schema.json -out DIR [-languages python,nodejs,go]")
		os.Exit(2)
	}
	for _, language := range strings.Split(*languages, ",") {
		files, err := generate(language, *schemaFile)
		if err == nil {
			err = write(filepath.Join(*out, language), files)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "codegen: %s SDK: %v\n", language, err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "codegen: %s SDK: %d files in %s\n", language, len(files), filepath.Join(*out, language))
	}
}
