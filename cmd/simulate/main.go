// Command simulate runs Searcharr's scenario programs and prints their
// figures:
//
//	simulate plan    planning benchmark: each built-in strategy plans over a
//	                 large simulated library through the real engine, the
//	                 real plugin processes and a separate simulator process
//	simulate effect  search effectiveness: 30 compressed days of searching a
//	                 backlog under a daily indexer budget, per strategy and
//	                 order, against a random-page baseline
//
// Run "simulate plan -h" or "simulate effect -h" for their flags.
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: simulate plan|effect [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "plan":
		err = runPlan(context.Background(), os.Args[2:], os.Stdout)
	case "effect":
		err = runEffect(os.Args[2:], os.Stdout)
	default:
		err = fmt.Errorf("simulate: unknown scenario %q (want plan or effect)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
