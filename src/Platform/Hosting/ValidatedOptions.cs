using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orchestration.Platform.Hosting;

/// <summary>Options that can say what is wrong with them, one sentence a problem naming the setting.</summary>
public interface IValidatableOptions
{
    IEnumerable<string> Problems();
}

public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and checks them when the host starts, so a
    /// missing key or address stops the start with every problem listed, not the first message that needs it.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfigurationSection section)
        where TOptions : class, IValidatableOptions
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, ProblemsValidation<TOptions>>());
        return services.AddOptions<TOptions>().Bind(section).ValidateOnStart();
    }

    sealed class ProblemsValidation<TOptions> : IValidateOptions<TOptions>
        where TOptions : class, IValidatableOptions
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
