package batch_test

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/engagekit/engagekit/internal/batch"
)

func ExampleRun() {
	half := func(x int, out *int) error {
		if x%2 != 0 {
			return errors.New("odd")
		}
		*out = x / 2
		return nil
	}
	counts := batch.Run(context.Background(), slices.Values([]int{2, 3, 4}), half, func(i, _, out int, err error) {
		fmt.Println(i, out, err)
	}, batch.Options{})
	fmt.Printf("%+v\n", counts)
	// Output:
	// 0 1 <nil>
	// 1 0 odd
	// 2 2 <nil>
	// {In:3 OK:2 Failed:1 Cancelled:0 Unread:false}
}
