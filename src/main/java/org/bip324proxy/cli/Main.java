package org.bip324proxy.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("bip324-proxy");
    }
}
