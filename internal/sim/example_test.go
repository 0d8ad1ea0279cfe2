package sim_test

import (
	"context"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/cqmon/cqmon/internal/sim"
)

// A real SDK client talks to the simulator through its base endpoint.
func ExampleServer_Start() {
	srv := sim.New(sim.DemoScenario(), sim.WithoutLatency())
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer stop()

	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")))
	if err != nil {
		log.Fatal(err)
	}
	client := connect.NewFromConfig(cfg, func(o *connect.Options) { o.BaseEndpoint = aws.String(url) })
	out, err := client.ListInstances(ctx, &connect.ListInstancesInput{})
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range out.InstanceSummaryList {
		fmt.Println(aws.ToString(in.InstanceAlias), in.InstanceStatus)
	}
	// Output:
	// acme-prod ACTIVE
	// acme-support ACTIVE
	// acme-sandbox ACTIVE
	// acme-next CREATION_IN_PROGRESS
}
