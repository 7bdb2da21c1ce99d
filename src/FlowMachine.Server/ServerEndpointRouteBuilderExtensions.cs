using FlowMachine.Server.Dashboard;
using FlowMachine.Server.Events;
using FlowMachine.Server.Flows;
using FlowMachine.Server.Health;
using FlowMachine.Server.Pausing;
using FlowMachine.Server.Resume;
using FlowMachine.Server.Routines;
using FlowMachine.Server.Schedules;
using FlowMachine.Server.Tasks;
using FlowMachine.Server.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server;

/// <summary>Maps the FlowMachine server's routes.</summary>
public static class ServerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/api/v1</c> (routines, tasks, schedules, flows and their verbs, users for admins; API key required), the resume route,
    /// <c>/healthz</c>, <c>/metrics</c>, <c>/openapi/v1.json</c> and its reference page <c>/api/docs</c> (both without a key) and the dashboard at <c>/</c>. Needs <see cref="ServerServiceCollectionExtensions.AddFlowMachineServer"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapFlowMachine(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api/v1").RequireAuthorization();
        RoutineEndpoints.Map(api);
        TaskEndpoints.Map(api);
        Workers.WorkerEndpoints.Map(api);
        ScheduleEndpoints.Map(api);
        var flows = FlowEndpoints.Map(api);
        FlowCommandEndpoints.Map(flows);
        FlowDeleteEndpoint.Map(flows);
        FlowBulkEndpoint.Map(flows);
        FlowPurgeEndpoint.Map(flows);
        FlowDiagnosisEndpoints.Map(flows);
        EventEndpoints.Map(api);
        Hooks.HookEndpoints.Map(api);
        PauseEndpoints.Map(api);
        UserEndpoints.Map(api);
        ResumeEndpoints.Map(endpoints);
        Hooks.HookDeliveryEndpoint.Map(endpoints);
        HealthEndpoints.Map(endpoints);
        OpenApi.ApiDocument.Map(endpoints);
        DashboardEndpoints.Map(endpoints);
        return endpoints;
    }
}
