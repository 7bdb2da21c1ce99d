using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Registry;

namespace FlowMachine.Tests.TypedTasks;

public sealed class TypedTaskSchemaTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public void The_catalogue_holds_the_params_schema_of_a_typed_task()
    {
        var info = Registered<ChargeTask>("t.typed.charge");

        Assert.Equal(ExpectedChargeSchema, info.ParamsSchema!.ToJsonString(Indented).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_param_list_comes_from_the_schema_with_required_descriptions_and_secrets()
    {
        var info = Registered<ChargeTask>("t.typed.charge");

        Assert.Equal(["amount", "currency", "speed", "shipTo", "tags"], info.Params.Select(p => p.Name));
        Assert.Equal(["amount", "currency"], info.Params.Where(p => p.Required).Select(p => p.Name));
        Assert.Equal("The amount in cents.", info.Params[0].Description);
        Assert.Equal("Where the parcel goes.", info.Params[3].Description);
        Assert.True(Registered<LoginTask>("t.typed.login").Params.Single(p => p.Name == "password").Secret);
        Assert.False(Registered<LoginTask>("t.typed.login").Params.Single(p => p.Name == "user").Secret);
    }

    [Fact]
    public void Untyped_tasks_have_no_schema_and_keep_their_declared_params()
    {
        var registry = new TaskRegistry().AddBuiltIns();
        Assert.True(registry.TryGet("print", out var print));
        Assert.Null(print.ParamsSchema);
        Assert.Contains(print.Params, p => p.Name == "msg" && p.Required);
    }

    private static TaskTypeInfo Registered<T>(string name)
        where T : IFlowTask
    {
        Assert.True(new TaskRegistry().Register<T>().TryGet(name, out var info));
        return info;
    }

    private const string ExpectedChargeSchema = """
        {
          "type": "object",
          "properties": {
            "amount": {
              "type": "integer",
              "description": "The amount in cents.",
              "minimum": 1,
              "maximum": 1000
            },
            "currency": {
              "type": "string",
              "minLength": 3,
              "maxLength": 3
            },
            "speed": {
              "enum": [
                "Standard",
                "Express"
              ]
            },
            "shipTo": {
              "type": [
                "object",
                "null"
              ],
              "properties": {
                "zip": {
                  "type": "string",
                  "pattern": "^[0-9]{5}$"
                },
                "city": {
                  "type": [
                    "string",
                    "null"
                  ]
                }
              },
              "required": [
                "zip"
              ],
              "additionalProperties": false,
              "description": "Where the parcel goes."
            },
            "tags": {
              "type": [
                "array",
                "null"
              ],
              "items": {
                "type": "string"
              }
            }
          },
          "required": [
            "amount",
            "currency"
          ],
          "additionalProperties": false
        }
        """;
}

public sealed class LoginParams
{
    public required string User { get; init; }

    [System.ComponentModel.DataAnnotations.DataType(System.ComponentModel.DataAnnotations.DataType.Password)]
    public required string Password { get; init; }
}

[TaskType("t.typed.login")]
public sealed class LoginTask : FlowTask<LoginParams, bool>
{
    protected override ValueTask<bool> PerformAsync(LoginParams parameters, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(parameters.Password.Length > 0);
}
