using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Tests.Security;

/// <summary>Params marked secret never reach history, step errors or specs shown back.</summary>
public sealed class SecretParamTests
{
    private const string Token = "tok-3f9c1a7e-very-secret";

    [Fact]
    public async Task A_secret_param_never_reaches_history_or_stored_state_even_when_the_task_fails_quoting_it()
    {
        var store = new InMemoryFlowStore();
        var registry = new TaskRegistry().Register<SecretUsingTask>();
        await using var engine = new FlowEngine(store, registry);
        var spec = """
            tasks:
              - { key: ok, task_type: test.Secret, task_params: { token: "$input.token", fail: false } }
              - { key: bad, task_type: test.Secret, task_params: { token: "$input.token", fail: true }, retry: { attempts: 2, delay: 0 } }
            """;
        var started = await engine.StartAsync(new StartFlowRequest { SpecText = spec, Input = new JsonObject { ["token"] = Token } });
        var view = await engine.RunAsync(started.Flow.Id);

        Assert.Equal(FlowState.Failed, view.Flow.State);
        var bad = view.Step("bad");
        Assert.Equal(2, bad.Attempts);
        Assert.Contains("could not call https://api.example/v1?token=***", bad.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, bad.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, bad.ErrorDetail ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(Token, view.Flow.Error ?? "", StringComparison.Ordinal);

        // The task saw the real value; nothing the engine wrote holds it.
        Assert.Equal("used 24 chars", (string)view.Step("ok").Result!);
        var history = await store.GetHistoryAsync(started.Flow.Id, 0, 1000, default);
        var text = string.Join("\n", history.Select(e => JsonSerializer.Serialize(HistoryDocument.Of(e))));
        Assert.Contains("step.retry", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, JsonSerializer.Serialize(FlowDocument.Of(view)).Replace(view.Flow.Input!.ToJsonString(), "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Redaction_masks_only_the_secret_params()
    {
        var info = new TaskRegistry().Register<SecretUsingTask>().All.Single();
        var redacted = SecretParams.Redact(new JsonObject { ["token"] = Token, ["fail"] = true }, info);
        Assert.Equal("""{"token":"***","fail":true}""", redacted.ToJsonString());

        var spec = JsonNode.Parse($$$"""{"tasks":[{"key":"a","task_type":"test.Secret","task_params":{"token":"{{{Token}}}"}},{"key":"b","task_type":"other","task_params":{"token":"kept"}}]}""");
        var shown = SecretParams.RedactSpec(spec, new TaskRegistry().Register<SecretUsingTask>())!.ToJsonString();
        Assert.DoesNotContain(Token, shown, StringComparison.Ordinal);
        Assert.Contains("\"kept\"", shown, StringComparison.Ordinal);
        Assert.Contains(Token, spec!.ToJsonString(), StringComparison.Ordinal); // the original is not changed
    }

    [Fact]
    public void Scrubbing_replaces_every_form_of_the_value_and_leaves_short_ones()
    {
        var info = new TaskRegistry().Register<SecretUsingTask>().All.Single();
        var values = SecretParams.ValuesOf(new JsonObject { ["token"] = new JsonObject { ["user"] = "bob", ["password"] = "p\"w-123" } }, info);
        var scrubbed = SecretParams.Scrub("""login as bob with p\"w-123 or p"w-123""", values);
        Assert.Equal("login as *** with *** or ***", scrubbed);
        Assert.Equal("id 12", SecretParams.Scrub("id 12", ["12"]));
    }

    [FlowMachine.TaskType("test.Secret", Description = "Uses a secret token.")]
    [FlowMachine.TaskParam("token", "An API token.", Required = true, Secret = true)]
    [FlowMachine.TaskParam("fail", "Fail quoting the token, as careless client code does.")]
    private sealed class SecretUsingTask : IFlowTask
    {
        public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
        {
            var token = context.RequiredParam<string>("token");
            if (context.Param("fail", false))
            {
                throw new HttpRequestException($"could not call https://api.example/v1?token={token}: 401");
            }

            return ValueTask.FromResult<Outcome>(Outcome.Result($"used {token.Length} chars"));
        }
    }
}
