package org.paperboy.cli;

import org.paperboy.config.ConfigException;
import org.paperboy.delivery.EditionFailedException;
import org.paperboy.delivery.NothingToSendException;
import org.paperboy.mail.MailSettingsException;
import org.paperboy.store.StoreException;
import org.paperboy.subscriptions.InvalidEmailException;
import org.paperboy.templates.TemplateException;
import picocli.CommandLine;

/** Turns exceptions into one clear line on stderr, a hint, and the exit code. */
final class Failures implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
        var err = cli.getErr();
        if (e instanceof ConfigException) {
            err.println("paperboy: configuration error: " + e.getMessage());
            err.println("hint: settings come from the environment, .env and config/paperboy.yml; see .env.example");
            return Main.USAGE;
        }
        if (e instanceof InvalidEmailException || e instanceof UsageException) {
            err.println("paperboy: " + e.getMessage());
            err.println("hint: paperboy " + cli.getCommandName() + " --help");
            return Main.USAGE;
        }
        if (e instanceof TemplateException || e instanceof EditionFailedException) {
            err.println("paperboy: " + e.getMessage());
            err.println("hint: fix the template, then run 'paperboy templates check'");
            return Main.FAILURE;
        }
        if (e instanceof MailSettingsException) {
            err.println("paperboy: " + e.getMessage());
            err.println("hint: nobody was marked sent; fix the setting, then run the command again");
            return Main.FAILURE;
        }
        if (e instanceof NothingToSendException) {
            err.println("paperboy: " + e.getMessage());
            err.println("hint: paperboy import FILE... or paperboy fetch");
            return Main.FAILURE;
        }
        if (e instanceof StoreException) {
            err.println("paperboy: database error: " + e.getMessage());
            err.println("hint: check PAPERBOY_DB_URL, PAPERBOY_DB_USER and PAPERBOY_DB_PASSWORD");
            return Main.FAILURE;
        }
        err.println("paperboy: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        err.println("hint: run with PAPERBOY_LOG_LEVEL=debug for details");
        return Main.FAILURE;
    }
}
