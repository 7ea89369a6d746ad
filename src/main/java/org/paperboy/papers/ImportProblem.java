package org.paperboy.papers;

/**
 * Something wrong with one record or file of an import: {@code location} is {@code file:line},
 * {@code file[index]}, {@code file entry N} or just the file, so an operator can find it.
 */
public record ImportProblem(String location, String message) {

    @Override
    public String toString() {
        return location + ": " + message;
    }
}
