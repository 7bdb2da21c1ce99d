using FlowMachine.Examples;
using FlowMachine.Hosting;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Metrics;
using FlowMachine.Server.Resume;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server;

/// <summary>Adds the FlowMachine server's services: engine and worker on SQLite, users, auth, errors, OpenAPI, metrics.</summary>
public static class ServerServiceCollectionExtensions
{
    /// <summary>Registers everything <see cref="ServerEndpointRouteBuilderExtensions.MapFlowMachine"/> needs.</summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static IServiceCollection AddFlowMachineServer(this IServiceCollection services, FlowMachineServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        services.AddSingleton(options);
        services.AddSingleton(_ => new SqliteFlowStore(new SqliteStoreOptions { Path = Path.GetFullPath(options.DbPath) }));
        var flowMachine = services.AddFlowMachine(o =>
        {
            o.RunWorker = options.RunWorker;
            o.MaxSpecBytes = options.MaxSpecBytes;
            o.MaxSpecSteps = options.MaxSpecSteps;
            o.MaxResultBytes = options.MaxResultBytes;
            if (options.Concurrency is { } concurrency)
            {
                o.Concurrency = concurrency;
            }

            if (options.PollInterval is { } poll)
            {
                o.PollInterval = poll;
            }

            foreach (var folder in options.TaskFolders)
            {
                o.TaskFolders.Add(folder);
            }
        }).UseStore(sp => sp.GetRequiredService<SqliteFlowStore>());
        if (options.Examples)
        {
            flowMachine.AddTasks(ExampleTasks.Assembly);
        }

        services.AddSingleton<IUserStore>(sp => new SqliteUserStore(sp.GetRequiredService<SqliteFlowStore>()));
        services.AddHostedService<AdminBootstrap>();
        services.AddSingleton<ResumeTokenLedger>();
        services.AddSingleton<PrometheusMetrics>();

        services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyDefaults.AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(ApiKeyDefaults.AdminRole));

        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();

        // Binding failures throw, so the exception handler answers them as ProblemDetails naming the field.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi();
        return services;
    }
}
