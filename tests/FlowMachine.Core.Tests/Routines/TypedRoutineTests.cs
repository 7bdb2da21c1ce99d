using FlowMachine.BuiltIns;
using FlowMachine.Registry;
using FlowMachine.Routines;
using FlowMachine.Specs;
using FlowMachine.Tests.TypedTasks;

namespace FlowMachine.Core.Tests.Routines;

/// <summary>Steps of typed tasks: params written as the task binds them, references into typed results.</summary>
public sealed class TypedRoutineTests
{
    [Fact]
    public void Typed_params_and_a_typed_result_reference_match_the_yaml_twin()
    {
        var routine = Routine.Define("typed-charge");
        var charge = routine.Step<ChargeTask, ChargeParams>("charge", new ChargeParams { Amount = 0, Currency = "EUR", Speed = Speed.Express, ShipTo = new Address { Zip = "12345" } })
            .Param(p => p.Amount, Ref.Input("amount"));
        routine.Print("receipt", charge.ResultField((ChargeResult r) => r.Receipt));
        var built = routine.Build();

        var catalog = new TaskRegistry().AddBuiltIns().Register<ChargeTask>();
        var twin = SpecCompiler.Compile("""
            tasks:
              - key: charge
                task_type: t.typed.charge
                task_params: { amount: $input.amount, currency: EUR, speed: Express, shipTo: { zip: "12345" } }
              - { key: receipt, task_type: print, task_params: { msg: $tasks.charge.result.receipt } }
            """, catalog).GetOrThrow();
        Assert.Equal(SpecJson.Serialize(twin), built.ToJson());
        Assert.Equal(built.ToJson(), routine.Build(catalog).ToJson());
    }

    [Fact]
    public void A_typed_task_refuses_params_or_a_result_of_another_type()
    {
        var routine = Routine.Define("r");

        Assert.Throws<ArgumentException>(() => routine.Step<ChargeTask, GateParams>("c", new GateParams()));
        var charge = routine.Step<ChargeTask, ChargeParams>("charge", new ChargeParams { Amount = 1, Currency = "EUR" });
        Assert.Throws<ArgumentException>(() => charge.ResultField((GateParams g) => g.Open));
        Assert.Equal("$tasks.charge.result.amount", charge.ResultField((ChargeResult r) => r.Amount).Path);
    }

    [Fact]
    public void Build_checks_literal_params_against_the_typed_task_schema()
    {
        var error = Assert.Throws<SpecException>(() => Routine.Define("r").Step<ChargeTask>("charge", new { amount = 5, currency = "EUR", colour = "red" }).Build());

        Assert.Equal("tasks[0].task_params.colour", Assert.Single(error.Errors).Path);
    }
}
