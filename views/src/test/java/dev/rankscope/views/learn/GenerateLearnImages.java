package dev.rankscope.views.learn;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Draws the three bundled Learn images (royalty-free by construction: every pixel is drawn here) as
 * 256×256 grayscale PNGs. Run from the repository root after {@code mvn -o -pl views -am test-compile}:
 * <pre>java -Djava.awt.headless=true -cp views/target/test-classes dev.rankscope.views.learn.GenerateLearnImages resources/learn views/src/main/resources/dev/rankscope/views/learn</pre>
 */
public final class GenerateLearnImages {
    private static final int SIZE = 256;

    private GenerateLearnImages() {
    }

    public static void main(String[] args) throws IOException {
        for (String dir : args) {
            Path out = Path.of(dir);
            Files.createDirectories(out);
            ImageIO.write(gradientShapes(), "png", out.resolve("gradient-shapes.png").toFile());
            ImageIO.write(testPattern(), "png", out.resolve("test-pattern.png").toFile());
            ImageIO.write(checkerboardText(), "png", out.resolve("checkerboard-text.png").toFile());
        }
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    static BufferedImage gradientShapes() {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = canvas(img);
        g.setPaint(new GradientPaint(0, 0, new Color(40, 40, 40), 0, SIZE, new Color(200, 200, 200)));
        g.fillRect(0, 0, SIZE, SIZE);
        g.setColor(new Color(245, 245, 245));
        g.fill(new Ellipse2D.Double(40, 50, 90, 90)); // a sun
        g.setColor(new Color(20, 20, 20));
        g.fillPolygon(new int[]{0, 90, 170, 256, 256, 0}, new int[]{200, 120, 180, 110, 256, 256}, 6); // hills
        g.setColor(new Color(120, 120, 120));
        g.fillRect(150, 150, 60, 60); // a house
        g.setColor(new Color(230, 230, 230));
        g.fillPolygon(new int[]{140, 180, 220}, new int[]{150, 115, 150}, 3);
        g.setStroke(new BasicStroke(3));
        g.setColor(new Color(90, 90, 90));
        g.drawLine(180, 20, 240, 80);
        g.dispose();
        return img;
    }

    static BufferedImage testPattern() {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double cx = x - SIZE / 2.0;
                double cy = y - SIZE / 2.0;
                double r2 = cx * cx + cy * cy;
                double v = 0.5 + 0.5 * Math.cos(r2 / 180.0); // zone plate
                if (y < 32) {
                    v = Math.floor(x / 32.0) / 7.0; // grey steps
                } else if (y > SIZE - 32) {
                    v = x / (double) (SIZE - 1); // ramp
                }
                int gray = (int) Math.round(255 * v);
                img.getRaster().setSample(x, y, 0, gray);
            }
        }
        return img;
    }

    static BufferedImage checkerboardText() {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = canvas(img);
        int cell = 32;
        for (int y = 0; y < SIZE; y += cell) {
            for (int x = 0; x < SIZE; x += cell) {
                g.setColor(((x + y) / cell) % 2 == 0 ? new Color(60, 60, 60) : new Color(190, 190, 190));
                g.fillRect(x, y, cell, cell);
            }
        }
        g.setColor(Color.WHITE);
        g.fillRoundRect(28, 92, 200, 72, 16, 16);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 40));
        g.drawString("rank k", 62, 142);
        g.dispose();
        return img;
    }
}
