package dev.vscan.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("vscan");
    }
}
