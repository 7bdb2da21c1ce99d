using FlowMachine.BuiltIns;
using FlowMachine.Examples;
using FlowMachine.Registry;
using FlowMachine.Routines;
using FlowMachine.Specs;

namespace FlowMachine.Core.Tests.Routines;

/// <summary>A routine written in C# and its YAML twin give byte-identical canonical specs.</summary>
public sealed class RoutineBuilderTests
{
    private static readonly TaskRegistry Catalog = new TaskRegistry().AddBuiltIns().RegisterAssembly(typeof(TestOne).Assembly);

    [Fact]
    public void A_linear_routine_matches_its_yaml()
    {
        var one = Routine.Define("linear").Step<TestOne>("one", new { msg = Ref.Input("order") });
        var routine = one.Then<TestTwo>("two")
            .Step<TestThree>("three", new { id = one.Result.Field("id"), greeting = "Hello " + Ref.Input("name").Embed, first = Ref.Input("items").Item(0) })
            .Build();

        AssertTwin(routine, """
            tasks:
              - { key: one, task_type: test.One, task_params: { msg: $input.order } }
              - { key: two, task_type: test.Two, precursors: [one] }
              - key: three
                task_type: test.Three
                task_params: { id: $tasks.one.result.id, greeting: "Hello ${input.name}", first: $input.items.0 }
            """);
    }

    [Fact]
    public void A_join_matches_its_yaml()
    {
        var routine = Routine.Define("join");
        var a = routine.Step<TestOne>("a");
        var b = routine.Step<TestTwo>("b").AtStart();
        routine.Step<TestThree>("c", new { left = a.Result, right = b.Result.Field("x") }).After(a, b);
        routine.Noop("d").After("c");

        AssertTwin(routine.Build(), """
            tasks:
              - { key: a, task_type: test.One }
              - { key: b, task_type: test.Two, precursors: [] }
              - { key: c, task_type: test.Three, task_params: { left: $tasks.a.result, right: $tasks.b.result.x }, precursors: [a, b] }
              - { key: d, task_type: noop, precursors: [c] }
            """);
    }

    [Fact]
    public void Every_built_in_matches_its_yaml()
    {
        var routine = Routine.Define("built-ins");
        routine.Print("hello", "Hi " + Ref.Input("name").Embed)
            .Wait("approve", reason: "Needs a manager", eventName: "approved", after: TimeSpan.FromHours(1))
            .WaitForEvent("packed", "shipment.packed", Ref.Input("order"), reason: "Until the warehouse packs it")
            .Delay("cool-off", TimeSpan.FromSeconds(1.5))
            .DelayUntil("until", Ref.Input("at"))
            .Http("call", "https://example.com/" + Ref.Input("id").Embed, method: "POST", headers: new Dictionary<string, string> { ["x-trace"] = "1" }, body: new { id = Ref.Input("id") }, timeout: TimeSpan.FromSeconds(10), expect: [200, 201])
            .Spread<TestOne>("each", Ref.Input("items"), new { tenant = Ref.Input("tenant") }, maxItems: 50)
            .SpreadType("each-two", Ref.Input("items"), "test.Two")
            .SpreadFlow("children", Ref.Input("items"), "child", version: 2)
            .Flow("child", "child", input: new { order = Ref.Input("order") })
            .Switch("route", Ref.Result("child").Field("kind")).Case("big", "big").Case(3, "small").Default("done");
        routine.Kill("big", "too big").After("route");
        routine.Fail("small", "too small").After("route");
        routine.Done("done", new { ok = true }).After("route");

        AssertTwin(routine.Build(), """
            tasks:
              - { key: hello, task_type: print, task_params: { msg: "Hi ${input.name}" } }
              - { key: approve, task_type: wait, task_params: { reason: Needs a manager, event: approved, seconds: 3600 } }
              - { key: packed, task_type: wait, task_params: { reason: Until the warehouse packs it, event: shipment.packed, key: $input.order } }
              - { key: cool-off, task_type: delay, task_params: { seconds: 1.5 } }
              - { key: until, task_type: delay, task_params: { until: $input.at } }
              - key: call
                task_type: http
                task_params:
                  url: "https://example.com/${input.id}"
                  method: POST
                  headers: { x-trace: "1" }
                  body: { id: $input.id }
                  timeout: 10
                  expect: [200, 201]
              - { key: each, task_type: spread, task_params: { items: $input.items, task_type: test.One, params: { tenant: $input.tenant }, max_items: 50 } }
              - { key: each-two, task_type: spread, task_params: { items: $input.items, task_type: test.Two } }
              - { key: children, task_type: spread, task_params: { items: $input.items, routine: child, version: 2 } }
              - { key: child, task_type: flow, task_params: { routine: child, input: { order: $input.order } } }
              - key: route
                task_type: switch
                task_params: { value: $tasks.child.result.kind, cases: [{ when: big, goto: big }, { when: 3, goto: small }], default: done }
              - { key: big, task_type: kill, task_params: { reason: too big }, precursors: [route] }
              - { key: small, task_type: fail, task_params: { error: too small }, precursors: [route] }
              - { key: done, task_type: done, task_params: { value: { ok: true } }, precursors: [route] }
            """);
    }

    [Fact]
    public void Retry_timeouts_limits_and_cfg_match_their_yaml()
    {
        var routine = Routine.Define("configured")
            .Label("nightly billing")
            .Data(new { greeting = "hello", count = 2 })
            .FailFast(false)
            .Retry(3, delay: TimeSpan.FromSeconds(2))
            .Timeout(TimeSpan.FromMinutes(1))
            .ScheduleToStart(TimeSpan.FromMinutes(5))
            .HeartbeatTimeout(TimeSpan.FromSeconds(20))
            .Deadline(TimeSpan.FromHours(2))
            .Tags("nightly", "eu")
            .Priority(10)
            .Concurrency(2, Ref.Input("customer"))
            .Rate(100, TimeSpan.FromMinutes(1), Ref.Input("tenant"));
        routine.Step<TestOne>("charge")
            .Retry(5, TimeSpan.FromSeconds(1), 3, TimeSpan.FromMinutes(2))
            .Timeout(TimeSpan.FromSeconds(30))
            .ScheduleToStart(TimeSpan.FromSeconds(30))
            .HeartbeatTimeout(TimeSpan.FromSeconds(10))
            .Queue("payments")
            .Concurrency(1)
            .Rate(10, TimeSpan.FromSeconds(1), Ref.Data("greeting"));

        AssertTwin(routine.Build(), """
            label: nightly billing
            cfg:
              fail_fast: false
              retry: { attempts: 3, delay: 2 }
              timeout: 60
              schedule_to_start: 5m
              heartbeat_timeout: 20s
              deadline: 2h
              tags: [nightly, eu]
              priority: 10
              concurrency: { key: $input.customer, limit: 2 }
              rate: { limit: 100, per: 1m, key: $input.tenant }
            data: { greeting: hello, count: 2 }
            tasks:
              - key: charge
                task_type: test.One
                retry: { attempts: 5, delay: 1, factor: 3, max_delay: 120 }
                timeout: 30
                schedule_to_start: 30s
                heartbeat_timeout: 10s
                queue: payments
                concurrency: { limit: 1 }
                rate: { limit: 10, per: 1s, key: $data.greeting }
            """);
    }

    [Fact]
    public void Typed_params_are_written_by_the_task_values_naming_and_a_reference_fits_any_property()
    {
        var routine = Routine.Define("typed")
            .Step<TestOne, ChargeParams>("charge", p =>
            {
                p.Order = Ref.Input("order");
                p.Currency = "EUR";
            })
            .Param(p => p.Amount, Ref.Input("amount"))
            .Build();

        AssertTwin(routine, """
            tasks:
              - { key: charge, task_type: test.One, task_params: { order: $input.order, amount: $input.amount, currency: EUR } }
            """);
    }

    [Fact]
    public void The_yaml_form_reads_back_to_the_same_spec()
    {
        var routine = Routine.Define("yaml").Label("true").Data(new { n = "12", empty = new { } })
            .Step<TestOne>("one", new { msg = "line\nbreak", flag = true, none = (string?)null, list = Array.Empty<int>() })
            .Build();

        var yaml = routine.ToYaml();

        Assert.Equal(routine.ToJson(), SpecJson.Serialize(SpecCompiler.Compile(yaml, Catalog).GetOrThrow()));
        Assert.Contains("label: \"true\"", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_refuses_an_invalid_routine_naming_every_error_and_its_path()
    {
        var routine = Routine.Define("broken");
        routine.Step<TestOne>("a");
        routine.Step<TestTwo>("a");
        routine.Step<TestThree>("c").After("nope");
        routine.Step("p", "print");
        routine.Step<TestOne>("q").Retry(0);

        var error = Assert.Throws<SpecException>(() => routine.Build());

        Assert.Contains(error.Errors, e => e.Path == "tasks[1].key" && e.Message.Contains("Duplicate key 'a'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Path == "tasks[2].precursors[0]" && e.Message.Contains("Unknown precursor 'nope'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Path.StartsWith("tasks[4].retry", StringComparison.Ordinal));
        Assert.Contains("tasks[2].precursors[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_param_is_refused_like_a_saved_routine()
    {
        var error = Assert.Throws<SpecException>(() => Routine.Define("r").Step("p", "print").Build());

        Assert.Equal("tasks[0].task_params.msg", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void A_task_type_named_by_a_string_is_checked_against_a_given_catalog()
    {
        var routine = Routine.Define("r").Step("x", "no.such.type");

        Assert.Equal("no.such.type", routine.Build().Spec.Tasks[0].TaskType);
        Assert.Equal("tasks[0].task_type", Assert.Single(Assert.Throws<SpecException>(() => routine.Build(Catalog)).Errors).Path);
    }

    [Fact]
    public void A_bad_name_a_class_without_a_task_type_or_params_that_are_not_an_object_are_refused_at_once()
    {
        Assert.Throws<ArgumentException>(() => Routine.Define("bad name"));
        Assert.Throws<ArgumentException>(() => Routine.Define("r").Step<Untyped>("u"));
        Assert.Throws<ArgumentException>(() => Routine.Define("r").Step<TestOne>("u", 5));
        Assert.Throws<ArgumentException>(() => Routine.Define("r").Step<TestOne, ChargeParams>("u", _ => { }).Param(p => p.Amount + 1, Ref.Input()));
    }

    private static void AssertTwin(RoutineDefinition routine, string yaml)
    {
        var twin = SpecCompiler.Compile(yaml, Catalog).GetOrThrow();
        Assert.Equal(SpecJson.Serialize(twin), routine.ToJson());
        Assert.Equal(SpecJson.Serialize(twin, indented: true), routine.ToJson(indented: true));
    }

    private sealed class ChargeParams
    {
        public string? Order { get; set; }

        public int Amount { get; set; }

        public string? Currency { get; set; }
    }

    private sealed class Untyped : IFlowTask
    {
        public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) => ValueTask.FromResult<Outcome>(Outcome.Result());
    }
}
