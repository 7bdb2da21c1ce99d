// Worker processes and server restarts share two cores: test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Without a test server the whole assembly is skipped (outside CI), inherited conformance tests included.
[assembly: TestFramework("FlowMachine.Postgres.Tests.PostgresTestFramework", "FlowMachine.Postgres.Tests")]
