// Worker processes and server restarts share two cores: test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
