using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary><c>/api/v1/schedules</c>: create, read, change, pause, trigger, backfill and delete, and each refusal.</summary>
public sealed class ScheduleEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    // Once a year: the server's own worker never fires it while a test runs.
    private const string Yearly = "0 0 1 1 *";

    [Fact]
    public async Task Create_answers_201_with_the_location_and_the_schedule_with_its_next_ten_fire_times()
    {
        var name = NewName();
        var response = await server.Alice.PostJsonAsync("/api/v1/schedules", $$$"""{"name":"{{{name}}}","spec":["noop"],"cron":"30 2 * * *","timeZone":"Europe/Berlin","input":{"n":1}}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/schedules/{name}", response.Headers.Location?.OriginalString);
        var created = await response.ReadObjectAsync();
        Assert.Equal("alice", (string?)created["owner"]);
        Assert.Equal("skip", (string?)created["overlap"]);
        Assert.Equal(1, (int?)created["input"]!["n"]);

        var read = (await server.Bob.GetFromJsonAsync<JsonObject>($"/api/v1/schedules/{name}"))!;
        var times = read["nextFireTimes"]!.AsArray().Select(t => DateTimeOffset.Parse((string)t!, null)).ToList();
        Assert.Equal(10, times.Count);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second > pair.First));
        Assert.All(times, t => Assert.Equal(new TimeOnly(2, 30), TimeOnly.FromTimeSpan(TimeZoneInfo.ConvertTime(t, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).TimeOfDay)));
        Assert.Contains("Europe/Berlin", (string?)read["description"], StringComparison.Ordinal);

        var list = (await server.Bob.GetFromJsonAsync<JsonArray>("/api/v1/schedules"))!;
        Assert.Contains(list, s => (string?)s!["name"] == name);
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { """{"spec":["noop"],"cron":"61 * * * *"}""", "cron", "minute" },
        { """{"spec":["noop"],"cron":"0 25 * * *"}""", "cron", "hour" },
        { """{"spec":["noop"],"cron":"* * *"}""", "cron", "5 fields" },
        { """{"spec":["noop"],"every":"1h","timeZone":"Mars/Olympus_Mons"}""", "timeZone", "Mars/Olympus_Mons" },
        { """{"spec":["noop"],"every":"500ms"}""", "every", "at least 1s" },
        { """{"spec":["noop"],"every":"soon"}""", "every", "not a duration" },
        { """{"spec":["noop"],"cron":"0 * * * *","every":"1h"}""", "every", "not both" },
        { """{"spec":["noop"]}""", "cron", "not neither" },
        { """{"routine":"no-such-routine","every":"1h"}""", "routine", "does not exist" },
        { """{"every":"1h"}""", "routine", "not neither" },
        { """{"routine":"seed000","spec":["noop"],"every":"1h"}""", "spec", "not both" },
        { """{"spec":["no.such.type"],"every":"1h"}""", "spec[0]", "no.such.type" },
        { """{"spec":{"tasks":[{"key":"a","task_type":"print"}]},"every":"1h"}""", "spec.tasks[0].task_params.msg", "msg" },
        { """{"spec":["noop"],"every":"1h","overlap":"sometimes"}""", "overlap", "sometimes" },
        { """{"spec":["noop"],"every":"1h","color":"red"}""", "color", "unknown field" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_refused_with_400_naming_the_field_and_nothing_is_stored(string body, string field, string says)
    {
        await SeedRoutineAsync();
        var name = NewName();
        var named = JsonNode.Parse(body)!.AsObject();
        named["name"] = name;

        var problem = await (await server.Alice.PostJsonAsync("/api/v1/schedules", named.ToJsonString())).AssertProblemAsync(HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"expected an error for '{field}': {problem.ToJsonString()}");
        Assert.Contains(says, string.Join(" ", errors[field]!.AsArray().Select(m => (string?)m)), StringComparison.Ordinal);
        await (await server.Alice.GetAsync($"/api/v1/schedules/{name}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain((await server.Admin.GetFromJsonAsync<JsonArray>("/api/v1/schedules"))!, s => (string?)s!["name"] == name);
    }

    [Theory]
    [InlineData("""{"spec":["noop"],"every":"1h"}""", "name")]
    [InlineData("""{"name":"has spaces","spec":["noop"],"every":"1h"}""", "name")]
    [InlineData("""{"name":7,"spec":["noop"],"every":"1h"}""", "name")]
    [InlineData("[1]", "body")]
    [InlineData("", "body")]
    [InlineData("{\"name\":", "body")]
    public async Task A_missing_or_bad_name_or_body_is_refused_with_400(string body, string field)
    {
        var problem = await (await server.Alice.PostJsonAsync("/api/v1/schedules", body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task A_duplicate_name_gets_409_naming_the_field_and_leaves_the_first_schedule_as_it_was()
    {
        var name = await CreateAsync(server.Alice, "\"every\":\"1h\"");

        var problem = await (await server.Bob.PostJsonAsync("/api/v1/schedules", $$"""{"name":"{{name}}","spec":["noop","noop"],"every":"2h"}""")).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.True(problem["errors"]!.AsObject().ContainsKey("name"), problem.ToJsonString());
        var kept = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/schedules/{name}"))!;
        Assert.Equal("1h", (string?)kept["every"]);
        Assert.Equal("alice", (string?)kept["owner"]);
    }

    [Fact]
    public async Task Put_replaces_the_definition_and_refuses_bad_input_keeping_the_old_one()
    {
        var name = await CreateAsync(server.Alice, "\"every\":\"1h\"");

        using var replaced = await server.Alice.PutAsJsonAsync($"/api/v1/schedules/{name}", JsonNode.Parse($$"""{"spec":["noop"],"cron":"{{Yearly}}","overlap":"allow"}"""));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var document = await replaced.ReadObjectAsync();
        Assert.Equal(Yearly, (string?)document["cron"]);
        Assert.Null(document["every"]);
        Assert.Equal("allow", (string?)document["overlap"]);

        using var bad = await server.Alice.PutAsJsonAsync($"/api/v1/schedules/{name}", JsonNode.Parse("""{"spec":["noop"],"cron":"0 0 * * 8"}"""));
        Assert.Contains("day of week", (string?)(await bad.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]!["cron"]![0], StringComparison.Ordinal);
        using var renamed = await server.Alice.PutAsJsonAsync($"/api/v1/schedules/{name}", JsonNode.Parse("""{"name":"other","spec":["noop"],"every":"1h"}"""));
        await renamed.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(Yearly, (string?)(await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/schedules/{name}"))!["cron"]);
    }

    [Fact]
    public async Task Pause_with_a_note_stops_the_fire_times_and_resume_brings_them_back()
    {
        var name = await CreateAsync(server.Alice, $"\"cron\":\"{Yearly}\"");

        var paused = await (await server.Alice.PostJsonAsync($"/api/v1/schedules/{name}/pause", """{"note":"quiet week"}""")).ReadObjectAsync();
        Assert.True((bool?)paused["paused"]);
        Assert.Equal("quiet week", (string?)paused["note"]);
        Assert.Empty(paused["nextFireTimes"]!.AsArray());

        // The body is optional.
        using var again = await server.Alice.PostAsync($"/api/v1/schedules/{name}/pause", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await (await server.Alice.PostJsonAsync($"/api/v1/schedules/{name}/pause", """{"why":"x"}""")).AssertProblemAsync(HttpStatusCode.BadRequest);

        using var resumed = await server.Alice.PostAsync($"/api/v1/schedules/{name}/resume", null);
        var document = await resumed.ReadObjectAsync();
        Assert.False((bool?)document["paused"]);
        Assert.Equal(10, document["nextFireTimes"]!.AsArray().Count);
    }

    [Fact]
    public async Task Trigger_starts_one_flow_that_carries_the_schedule_and_its_slot_and_the_flow_list_filters_by_schedule()
    {
        var name = await CreateAsync(server.Alice, $"\"cron\":\"{Yearly}\"");

        var started = await (await server.Alice.PostAsync($"/api/v1/schedules/{name}/trigger", null)).ReadObjectAsync();

        var id = (string)started["flowIds"]!.AsArray().Single()!;
        Assert.Equal(name, (string?)started["schedule"]);
        var flow = await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        Assert.Equal(name, (string?)flow["schedule"]);
        Assert.Equal((string?)started["slots"]![0], (string?)flow["slot"]);
        Assert.Equal($"schedule:{name}:", ((string?)flow["key"])?[..(name.Length + 10)]);
        var listed = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows?schedule={name}"))!;
        Assert.Equal(id, (string?)listed["items"]!.AsArray().Single()!["id"]);
        Assert.Equal(name, (string?)listed["items"]![0]!["schedule"]);
        var schedule = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/schedules/{name}"))!;
        Assert.Equal(id, (string?)schedule["lastFlowId"]);
        Assert.Equal("COMPLETED", (string?)schedule["lastFlowState"]);
        Assert.Empty((await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows?schedule={NewName()}"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task A_spec_given_as_yaml_text_starts_flows()
    {
        var name = NewName();
        using var created = await server.Alice.PostJsonAsync("/api/v1/schedules", $$"""{"name":"{{name}}","spec":"tasks: [test.One, test.Two]\n","cron":"{{Yearly}}"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var started = await (await server.Alice.PostAsync($"/api/v1/schedules/{name}/trigger", null)).ReadObjectAsync();

        var flow = await ServerFixture.WaitForStateAsync(server.Alice, (string)started["flowIds"]![0]!, "COMPLETED");
        Assert.Equal(2, flow["steps"]!.AsArray().Count);
    }

    [Fact]
    public async Task Backfill_starts_one_flow_per_slot_by_the_overlap_policy_and_never_a_slot_twice()
    {
        var allow = await CreateAsync(server.Alice, "\"cron\":\"0 * * * *\",\"overlap\":\"allow\"");
        const string range = """{"from":"2026-01-01T00:00:00Z","to":"2026-01-01T03:00:00Z"}""";

        var first = await (await server.Alice.PostJsonAsync($"/api/v1/schedules/{allow}/backfill", range)).ReadObjectAsync();
        Assert.Equal(4, first["flowIds"]!.AsArray().Count);
        Assert.Equal(["2026-01-01T00:00:00+00:00", "2026-01-01T01:00:00+00:00", "2026-01-01T02:00:00+00:00", "2026-01-01T03:00:00+00:00"],
            first["slots"]!.AsArray().Select(s => DateTimeOffset.Parse((string)s!, null).ToString("yyyy-MM-ddTHH:mm:sszzz", null)));
        var again = await (await server.Alice.PostJsonAsync($"/api/v1/schedules/{allow}/backfill", range)).ReadObjectAsync();
        Assert.Empty(again["flowIds"]!.AsArray());
        Assert.Equal(4, (int?)again["alreadyStarted"]);

        // Skip (the default): the slots of one backfill start together while no earlier flow runs; a later
        // backfill, while those flows still wait, starts none.
        var skip = await CreateAsync(server.Alice, "\"cron\":\"0 * * * *\"", "\"test.Wait\"");
        var together = await (await server.Alice.PostJsonAsync($"/api/v1/schedules/{skip}/backfill", range)).ReadObjectAsync();
        Assert.Equal(4, together["flowIds"]!.AsArray().Count);
        var skipped = await (await server.Alice.PostJsonAsync($"/api/v1/schedules/{skip}/backfill", """{"from":"2026-01-02T00:00:00Z","to":"2026-01-02T03:00:00Z"}""")).ReadObjectAsync();
        Assert.Empty(skipped["flowIds"]!.AsArray());
        Assert.Equal(4, (int?)skipped["skipped"]);
    }

    [Theory]
    [InlineData("""{"to":"2026-01-01T03:00:00Z"}""", "from")]
    [InlineData("""{"from":"yesterday","to":"2026-01-01T03:00:00Z"}""", "from")]
    [InlineData("""{"from":"2026-01-01T03:00:00Z","to":"2026-01-01T00:00:00Z"}""", "to")]
    [InlineData("""{"from":"2000-01-01T00:00:00Z","to":"2026-01-01T00:00:00Z"}""", "to")]
    [InlineData("""{"from":1,"to":"2026-01-01T00:00:00Z"}""", "from")]
    public async Task A_bad_backfill_range_is_refused_naming_the_field_and_starts_nothing(string body, string field)
    {
        var name = await CreateAsync(server.Alice, "\"cron\":\"0 * * * *\"");

        var problem = await (await server.Alice.PostJsonAsync($"/api/v1/schedules/{name}/backfill", body)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
        Assert.Empty((await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows?schedule={name}"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task Delete_answers_204_and_keeps_the_flows_the_schedule_started()
    {
        var name = await CreateAsync(server.Alice, $"\"cron\":\"{Yearly}\"");
        var id = (string)(await (await server.Alice.PostAsync($"/api/v1/schedules/{name}/trigger", null)).ReadObjectAsync())["flowIds"]![0]!;

        using var deleted = await server.Alice.DeleteAsync($"/api/v1/schedules/{name}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await server.Alice.GetAsync($"/api/v1/schedules/{name}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(name, (string?)(await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!["schedule"]);
    }

    internal static string NewName() => "sched-" + Guid.NewGuid().ToString("N")[..10];

    private async Task SeedRoutineAsync()
    {
        using var saved = await server.Admin.PostJsonAsync("/api/v1/routines", Http.SeedRoutine);
        Assert.True(saved.IsSuccessStatusCode);
    }

    /// <summary>Creates a schedule of an inline spec with the given timing fields; returns its name.</summary>
    internal static async Task<string> CreateAsync(HttpClient client, string timing, string tasks = "\"noop\"")
    {
        var name = NewName();
        using var response = await client.PostJsonAsync("/api/v1/schedules", $$"""{"name":"{{name}}","spec":[{{tasks}}],{{timing}}}""");
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return name;
    }
}
